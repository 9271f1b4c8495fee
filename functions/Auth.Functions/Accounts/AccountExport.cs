namespace Auth.Functions.Accounts;

/// <summary>
/// Everything stored about an account but secrets and hashes: the user, every live key's metadata, the
/// second factor's state, passkeys and linked identities (ids; none until those features exist), and
/// the security log within its retention.
/// </summary>
public sealed record AccountExport(
    UserDto User,
    IReadOnlyList<Tokens.TokenInfoDto> Keys,
    SecondFactorExport SecondFactor,
    IReadOnlyList<string> Passkeys,
    IReadOnlyList<string> Identities,
    IReadOnlyList<SecurityEventDto> Events,
    DateTimeOffset Exported);
