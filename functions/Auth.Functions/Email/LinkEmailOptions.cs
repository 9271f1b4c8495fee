namespace Auth.Functions.Email;

/// <summary>
/// The settings every kind of link email has (<c>{Section}__TokenLifetime</c>, …): how long its link
/// works, and the limits on sending it, counted under <paramref name="scope"/>.
/// </summary>
public abstract class LinkEmailOptions(string scope, TimeSpan tokenLifetime)
{
    /// <summary>How long a link works.</summary>
    public TimeSpan TokenLifetime { get; set; } = tokenLifetime;

    /// <summary>At most one such email per account in this interval.</summary>
    public TimeSpan MinIntervalPerAccount { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many such emails per account per hour.</summary>
    public int MaxPerAccountPerHour { get; set; } = 3;

    /// <summary>At most this many such emails per minute for the whole service (a brake on abuse of the sender).</summary>
    public int MaxPerMinute { get; set; } = 120;

    /// <summary>The limits in the shape the shared email throttle takes.</summary>
    public EmailLimits Limits => new(scope, MinIntervalPerAccount, MaxPerAccountPerHour, MaxPerMinute);

    public bool IsValid() => TokenLifetime > TimeSpan.Zero && MinIntervalPerAccount >= TimeSpan.Zero && MaxPerAccountPerHour > 0 && MaxPerMinute > 0;
}
