using Auth.Functions.Email;

namespace Auth.Functions.Recovery;

public sealed class RecoveryOptions
{
    public const string Section = "PasswordReset";

    /// <summary>How long a reset link works.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most one reset email per account in this interval.</summary>
    public TimeSpan MinIntervalPerAccount { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many reset emails per account per hour.</summary>
    public int MaxPerAccountPerHour { get; set; } = 3;

    /// <summary>At most this many reset emails per minute for the whole service (a brake on abuse of the sender).</summary>
    public int MaxPerMinute { get; set; } = 120;

    /// <summary>The limits in the shape the shared email throttle takes.</summary>
    public EmailLimits Limits => new("reset", MinIntervalPerAccount, MaxPerAccountPerHour, MaxPerMinute);
}
