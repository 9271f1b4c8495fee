namespace Auth.Functions.Passkeys;

/// <summary>A passkey as the API shows it (<c>passkey</c>). Never the public key or the credential id.</summary>
public sealed record PasskeyDto(string Id, string? Label, DateTimeOffset Created, DateTimeOffset? LastUsed, bool BackedUp, IReadOnlyList<string> Transports);

public static class PasskeyMapping
{
    public static PasskeyDto ToDto(this PasskeyEntity passkey) =>
        new(passkey.PasskeyId, passkey.Label, passkey.Created, passkey.LastUsed, passkey.BackedUp,
            passkey.Transports.Split(',', StringSplitOptions.RemoveEmptyEntries));
}
