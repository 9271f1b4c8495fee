using Auth.Functions.Events;

namespace Auth.Functions.Notifications;

/// <summary>Which security events are emailed to the account's address (each on by default).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The password was changed or reset.</summary>
    public bool PasswordChanged { get; set; } = true;

    /// <summary>An API key was created (its label and time, never the key).</summary>
    public bool KeyCreated { get; set; } = true;

    /// <summary>A key was reported as leaked and revoked.</summary>
    public bool KeyReportedLeaked { get; set; } = true;

    /// <summary>Login throttling engaged on the account.</summary>
    public bool LoginThrottled { get; set; } = true;

    /// <summary>The second factor was turned on or off, a recovery code was used, or the codes were replaced.</summary>
    public bool SecondFactor { get; set; } = true;

    /// <summary>A passkey was added or removed.</summary>
    public bool Passkeys { get; set; } = true;

    /// <summary>An external identity (Google, GitHub…) was linked to the account or unlinked.</summary>
    public bool ExternalIdentities { get; set; } = true;

    /// <summary>The account was erased (sent to the address it had, after the fact).</summary>
    public bool AccountErased { get; set; } = true;

    /// <summary>How long a notification waits before it is sent: the write that records its event has finished by then.</summary>
    public TimeSpan SendAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether an event of this type is emailed.</summary>
    public bool Emails(string type) => type switch
    {
        SecurityEventTypes.PasswordChanged or SecurityEventTypes.PasswordReset => PasswordChanged,
        SecurityEventTypes.KeyCreated => KeyCreated,
        SecurityEventTypes.KeyReportedLeaked => KeyReportedLeaked,
        SecurityEventTypes.LoginThrottled => LoginThrottled,
        SecurityEventTypes.MfaEnabled or SecurityEventTypes.MfaDisabled or SecurityEventTypes.RecoveryCodeUsed or SecurityEventTypes.RecoveryCodesRegenerated => SecondFactor,
        SecurityEventTypes.PasskeyAdded or SecurityEventTypes.PasskeyRemoved => Passkeys,
        SecurityEventTypes.ExternalIdentityLinked or SecurityEventTypes.ExternalIdentityUnlinked => ExternalIdentities,
        _ => false,
    };
}
