namespace Auth.Functions.Passwords;

/// <summary>No hashing slot freed up in time: the caller answers 429 rather than queueing unbounded work.</summary>
public sealed class HashingBusyException() : Http.ServiceBusyException("All password-hashing slots are busy.", TimeSpan.FromSeconds(1));
