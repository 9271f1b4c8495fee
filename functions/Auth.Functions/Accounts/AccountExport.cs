namespace Auth.Functions.Accounts;

/// <summary>
/// Everything stored about an account but secrets and hashes: the user, every live key's metadata, the
/// second factor's state, passkeys, linked identities, and
/// the security log within its retention.
/// </summary>
public sealed record AccountExport(
    UserDto User,
    IReadOnlyList<Tokens.TokenInfoDto> Keys,
    SecondFactorExport SecondFactor,
    IReadOnlyList<Passkeys.PasskeyDto> Passkeys,
    IReadOnlyList<Identities.IdentityDto> Identities,
    IReadOnlyList<SecurityEventDto> Events,
    DateTimeOffset Exported);
