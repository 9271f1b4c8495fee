using Auth.Functions.Email;

namespace Auth.Functions.Verification;

/// <summary>Verification links and the limits on sending them (<c>EmailVerification__…</c>).</summary>
public sealed class VerificationOptions
{
    public const string Section = "EmailVerification";

    /// <summary>How long a verification link works.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>At most one verification email per account in this interval.</summary>
    public TimeSpan MinIntervalPerAccount { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many verification emails per account per hour.</summary>
    public int MaxPerAccountPerHour { get; set; } = 3;

    /// <summary>At most this many verification emails per minute for the whole service.</summary>
    public int MaxPerMinute { get; set; } = 120;

    /// <summary>The limits in the shape the shared email throttle takes.</summary>
    public EmailLimits Limits => new("verify", MinIntervalPerAccount, MaxPerAccountPerHour, MaxPerMinute);
}
