using Auth.Functions.Storage;

namespace Auth.Functions.Tokens;

/// <summary>Token rows to their API shapes.</summary>
public static class TokenMapping
{
    public static TokenDto ToDto(this TokenEntity token, string key) =>
        new(token.TokenId, key, token.Type, token.Label, IsActive: true, token.Created, token.Expires);

    public static TokenInfoDto ToInfo(this TokenEntity token, string? currentTokenId) =>
        new(token.TokenId, token.Type, token.Label, IsActive: true, token.Created, token.Expires, token.LastUsed, token.TokenId == currentTokenId);
}
