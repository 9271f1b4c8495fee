using System.Text.Json;
using Auth.Functions.Hosting;
using Auth.Functions.Http;
using Auth.Functions.Storage;
using Azure.Storage.Queues;

namespace Auth.Functions.Recovery;

/// <summary>The <c>password-reset</c> queue, named by SendResetEmail/function.json, and its poison queue.</summary>
public sealed class ResetQueue(QueueServiceClient queues, FunctionManifest manifest, StorageOptions storage) : IQueueDeclaration
{
    private readonly string _name = storage.QueueName(manifest.Get(ResetEmailWorker.FunctionName, "queueTrigger").QueueName
        ?? throw new InvalidOperationException($"{ResetEmailWorker.FunctionName}/function.json has no queueName."));

    public IEnumerable<string> QueueNames => [_name, _name + "-poison"];

    public QueueClient Client => queues.GetQueueClient(_name);

    /// <param name="delay">Hidden this long before a worker may take it (null: at once).</param>
    public async Task EnqueueAsync(ResetRequestMessage message, CancellationToken cancellationToken, TimeSpan? delay = null) =>
        await Client.SendMessageAsync(
            JsonSerializer.Serialize(message, AppJsonContext.Default.ResetRequestMessage), visibilityTimeout: delay, cancellationToken: cancellationToken);
}
