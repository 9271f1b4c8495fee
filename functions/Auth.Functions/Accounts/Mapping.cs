using Auth.Functions.Storage;

namespace Auth.Functions.Accounts;

/// <summary>The user row to its API shape (tokens map in <see cref="Tokens.TokenMapping"/>).</summary>
public static class Mapping
{
    public static UserDto ToDto(this UserEntity user) =>
        new(user.PartitionKey, user.Email, user.DisplayName, user.IsEmailVerified, user.Created, user.HasMfa, HasPassword: user.PasswordHash.Length > 0);
}
