namespace Auth.Functions.Email;

/// <summary>
/// The limits on one kind of email that anyone can ask for with an address (reset, verification):
/// <paramref name="Scope"/> names its counters.
/// </summary>
public sealed record EmailLimits(string Scope, TimeSpan MinIntervalPerAccount, int MaxPerAccountPerHour, int MaxPerMinute);
