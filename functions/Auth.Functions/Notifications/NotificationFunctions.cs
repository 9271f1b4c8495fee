using Auth.Functions.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Notifications;

/// <summary>SendAccountEmail: security notifications, behind the <c>account-email</c> queue.</summary>
public sealed class NotificationFunctions(AccountEmailWorker worker, StorageInitializer storage)
{
    /// <summary>
    /// One queued event in, at most one email out. A message that cannot be parsed, or whose email
    /// keeps failing, throws: retried, then moved to <c>account-email-poison</c>.
    /// </summary>
    [Function(AccountEmailWorker.FunctionName)]
    public async Task SendAccountEmail(
        [QueueTrigger(AccountEmailQueue.Name, Connection = StorageClients.Setting)] string message, CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        await worker.HandleAsync(message, cancellationToken);
    }
}
