namespace Auth.Functions.Accounts;

/// <summary>
/// What <see cref="LoginThrottle.TryBeginAsync"/> decided for one attempt: go ahead (counted already
/// for its network) or wait. It carries what the throttle read, so recording the outcome needs no
/// second read.
/// </summary>
public sealed record LoginAttempt(string EmailKey, string Network, int NetworkFailures, LoginThrottleEntity? Account, NetworkFailures AcrossAccounts, TimeSpan? Wait)
{
    /// <summary>The account's count as read, before this attempt.</summary>
    public int AccountFailures => Account?.Failures ?? 0;
}
