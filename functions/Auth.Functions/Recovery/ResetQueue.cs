using System.Text.Json;
using Auth.Functions.Storage;
using Azure.Storage.Queues;

namespace Auth.Functions.Recovery;

/// <summary>The <c>password-reset</c> queue that SendResetEmail is triggered by, and its poison queue.</summary>
public sealed class ResetQueue(QueueServiceClient queues, StorageOptions storage) : IQueueDeclaration
{
    /// <summary>The queue's name in Azure (the standalone server may prefix it: <c>Storage:QueuePrefix</c>).</summary>
    public const string Name = "password-reset";

    private readonly string _name = storage.QueueName(Name);

    public IEnumerable<string> QueueNames => [_name, _name + IQueueDeclaration.PoisonSuffix];

    public QueueClient Client => queues.GetQueueClient(_name);

    /// <param name="delay">Hidden this long before a worker may take it (null: at once).</param>
    public async Task EnqueueAsync(ResetRequestMessage message, CancellationToken cancellationToken, TimeSpan? delay = null) =>
        await Client.SendMessageAsync(
            JsonSerializer.Serialize(message, RecoveryJsonContext.Default.ResetRequestMessage), visibilityTimeout: delay, cancellationToken: cancellationToken);
}
