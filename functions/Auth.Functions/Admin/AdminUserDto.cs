namespace Auth.Functions.Admin;

/// <summary>
/// A user as the admin API shows it: the <c>user</c> object, and what only an admin sees. Passkeys and
/// linked identities are lists of ids (empty until those features exist).
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
    IReadOnlyList<string> Passkeys,
    IReadOnlyList<string> Identities,
    DateTimeOffset? LastLogin);
