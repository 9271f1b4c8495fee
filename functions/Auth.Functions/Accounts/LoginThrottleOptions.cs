namespace Auth.Functions.Accounts;

public sealed class LoginThrottleOptions
{
    public const string Section = "LoginThrottle";

    /// <summary>Consecutive failures one client network may make on one account before back-off starts.</summary>
    public int FreeAttempts { get; set; } = 5;

    /// <summary>
    /// Failures, from every network together, after which the account itself backs off (NIST SP 800-63B
    /// allows at most 100). Only a network's free attempts count here, so one network alone never
    /// reaches it: it takes <c>AccountCeiling / FreeAttempts</c> networks.
    /// </summary>
    public int AccountCeiling { get; set; } = 100;

    /// <summary>Wait after the first throttled failure; doubles with each further failure.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Cap of the back-off. There is no permanent lockout: it would be a denial-of-service lever.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A counter untouched this long is forgotten (purged).</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a login told to retry because of contention on its counter waits (429 <c>Retry-After</c>).</summary>
    public TimeSpan ContentionRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Failed logins one client network may make across all accounts in <see cref="NetworkFailureWindow"/>,
    /// counted in storage (so across instances): a spray of guesses over many accounts, which no
    /// account's own count sees. Past it, that network's logins wait for the window to end.
    /// </summary>
    public int NetworkFailureLimit { get; set; } = 100;

    public TimeSpan NetworkFailureWindow { get; set; } = TimeSpan.FromMinutes(15);
}
