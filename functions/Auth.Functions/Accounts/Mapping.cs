using Auth.Functions.Storage;
using Auth.Functions.Tokens;

namespace Auth.Functions.Accounts;

/// <summary>Entities to DTOs: the only place storage shapes meet API shapes.</summary>
public static class Mapping
{
    public static UserDto ToDto(this UserEntity user) =>
        new(user.PartitionKey, user.Email, user.DisplayName, user.Created);

    public static TokenDto ToDto(this TokenEntity token, string key) =>
        new(token.TokenId, key, token.Type, token.Label, IsActive: true, token.Created, token.Expires);

    public static TokenInfoDto ToInfo(this TokenEntity token, string? currentTokenId) =>
        new(token.TokenId, token.Type, token.Label, IsActive: true, token.Created, token.Expires, token.LastUsed, token.TokenId == currentTokenId);
}
