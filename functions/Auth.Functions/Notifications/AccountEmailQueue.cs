using System.Text.Json;
using Auth.Functions.Storage;
using Azure.Storage.Queues;

namespace Auth.Functions.Notifications;

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
