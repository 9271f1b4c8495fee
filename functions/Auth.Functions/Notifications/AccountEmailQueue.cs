using System.Text.Json;
using Auth.Functions.Storage;
using Azure.Storage.Queues;

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

    /// <summary>How many times the message waited for the service-wide cap on its kind of email.</summary>
    public int Deferrals { get; init; }
}

/// <summary>An account email other than a security notification (an email verification link), sent by SendAccountEmail.</summary>
public interface IAccountEmailKind
{
    string Name { get; }

    /// <summary>Sends it, or concludes that nothing is to be sent. Throws <see cref="FormatException"/> for a message it cannot read.</summary>
    Task SendAsync(AccountEmailMessage message, CancellationToken cancellationToken);
}

/// <summary>The <c>account-email</c> queue that SendAccountEmail is triggered by, and its poison queue.</summary>
public sealed class AccountEmailQueue(QueueServiceClient queues, StorageOptions storage) : IQueueDeclaration
{
    /// <summary>The queue's name in Azure (the standalone server may prefix it: <c>Storage:QueuePrefix</c>).</summary>
    public const string Name = "account-email";

    private readonly string _name = storage.QueueName(Name);

    public IEnumerable<string> QueueNames => [_name, _name + IQueueDeclaration.PoisonSuffix];

    public async Task EnqueueAsync(AccountEmailMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        await queues.GetQueueClient(_name).SendMessageAsync(
            JsonSerializer.Serialize(message, NotificationsJsonContext.Default.AccountEmailMessage), visibilityTimeout: delay, cancellationToken: cancellationToken);
}
