namespace Auth.Functions.Events;

/// <summary>The event types of the security log (the README lists them), as they appear in it.</summary>
public static class SecurityEventTypes
{
    public const string LoginSucceeded = "login_succeeded";
    public const string LoginFailed = "login_failed";
    public const string LoginThrottled = "login_throttled";
    public const string KeyCreated = "key_created";
    public const string KeyRevoked = "key_revoked";
    public const string KeysRevokedAll = "keys_revoked_all";
    public const string PasswordChanged = "password_changed";
    public const string PasswordReset = "password_reset";
    public const string EmailVerified = "email_verified";
    public const string KeyReportedLeaked = "key_reported_leaked";
    public const string MfaEnabled = "mfa_enabled";
    public const string MfaDisabled = "mfa_disabled";
    public const string MfaFailed = "mfa_failed";
    public const string RecoveryCodeUsed = "recovery_code_used";
    public const string RecoveryCodesRegenerated = "recovery_codes_regenerated";
    public const string AccountDisabled = "account_disabled";
    public const string AccountEnabled = "account_enabled";
    public const string AdminAction = "admin_action";
    public const string AccountExport = "account_export";
    public const string PasskeyAdded = "passkey_added";
    public const string PasskeyRemoved = "passkey_removed";
    public const string ExternalIdentityLinked = "external_identity_linked";
    public const string ExternalIdentityUnlinked = "external_identity_unlinked";
}
