namespace Auth.Functions.Admin;

/// <summary>
/// A user as the admin API shows it: the <c>user</c> object, and what only an admin sees: its passkeys
/// and linked identities.
/// </summary>
public sealed record AdminUserDto(
    string Id,
    string Email,
    string? DisplayName,
    bool EmailVerified,
    DateTimeOffset Created,
    bool MfaEnabled,
    bool HasPassword,
    bool Disabled,
    string? DisabledReason,
    IReadOnlyList<Passkeys.PasskeyDto> Passkeys,
    IReadOnlyList<Identities.IdentityDto> Identities,
    DateTimeOffset? LastLogin);
