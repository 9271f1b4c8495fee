namespace Auth.Functions.Notifications;

/// <summary>
/// One email to send. A security notification names its event: the user's partition, the event's id
/// and when it happened. Any other kind of account email (<see cref="IAccountEmailKind"/>) names its
/// <see cref="Kind"/> and carries what that kind reads: no secret, and no address, only its key.
/// </summary>
public sealed record AccountEmailMessage(string? UserId = null, string? EventId = null, DateTimeOffset At = default)
{
    /// <summary>Null for a security notification; otherwise the <see cref="IAccountEmailKind.Name"/> that sends it.</summary>
    public string? Kind { get; init; }

    public string? EmailKey { get; init; }

    public string? RequestId { get; init; }

    /// <summary>
    /// The address itself, for the one email sent after the account is gone (its erasure): there is no
    /// account left to read it from. No other kind carries one.
    /// </summary>
    public string? Address { get; init; }

    /// <summary>How many times the message waited for the service-wide cap on its kind of email.</summary>
    public int Deferrals { get; init; }
}
