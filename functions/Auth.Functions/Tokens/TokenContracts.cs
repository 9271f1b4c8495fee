namespace Auth.Functions.Tokens;

public sealed record CreateTokenRequest(string? Label, DateTimeOffset? Expires = null);

/// <summary>A token as returned once, at creation: the only time its key is ever shown.</summary>
public sealed record TokenDto(
    string Id,
    string Key,
    string Type,
    string? Label,
    bool IsActive,
    DateTimeOffset Created,
    DateTimeOffset? Expires);

/// <summary>A token as listed: never its key, never its hash.</summary>
public sealed record TokenInfoDto(
    string Id,
    string Type,
    string? Label,
    bool IsActive,
    DateTimeOffset Created,
    DateTimeOffset? Expires,
    DateTimeOffset? LastUsed,
    bool Current);

public sealed record TokenResponse(TokenDto Token);

public sealed record TokenListResponse(IReadOnlyList<TokenInfoDto> Items);

public sealed record ReportLeakedKeysRequest(IReadOnlyList<string>? Keys);

public sealed record ReportLeakedKeysResponse(int Received);
