namespace Auth.Functions.Identities;

/// <summary>A linked identity as the API shows it.</summary>
public sealed record IdentityDto(string Id, string Provider, string Subject, string? Email, DateTimeOffset Linked);

public static class IdentityMapping
{
    public static IdentityDto ToDto(this IdentityEntity identity) => new(identity.IdentityId, identity.Provider, identity.Subject, identity.Email, identity.Linked);
}
