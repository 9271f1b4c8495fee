using Auth.Functions.Storage;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions queue trigger: same queue, same encoding, same
/// retry delay, same dequeue limit, same <c>{queue}-poison</c>.
/// </summary>
public sealed partial class StandaloneQueueListener(
    IServiceProvider services,
    QueueServiceClient queues,
    StorageInitializer storage,
    StorageOptions storageOptions,
    IOptions<QueueTriggerOptions> options,
    ILogger<StandaloneQueueListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(FunctionCatalog.Queue.Select(f => ListenAsync(f, stoppingToken)));

    private async Task ListenAsync(QueueFunction function, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var queueName = storageOptions.QueueName(function.QueueName);
        var queue = queues.GetQueueClient(queueName);
        var poison = queues.GetQueueClient(queueName + IQueueDeclaration.PoisonSuffix);
        var delay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await storage.EnsureReadyAsync(stoppingToken);
                var messages = (await queue.ReceiveMessagesAsync(settings.BatchSize, settings.ProcessingLease, stoppingToken)).Value;
                foreach (var message in messages)
                {
                    await ProcessAsync(function, queue, poison, message, stoppingToken);
                }

                delay = messages.Length > 0 ? MinPollingInterval : Next(delay, settings.MaxPollingInterval);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Never fatal: outages, a 403 while role assignments propagate, anything else is
                // logged and polling backs off, as the host's own listener does.
                LogPollFailed(logger, queueName, e is Azure.RequestFailedException r ? $"{r.Status} {r.ErrorCode}" : e.GetType().Name);
                delay = Next(delay, settings.MaxPollingInterval);
            }

            if (delay > MinPollingInterval)
            {
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ProcessAsync(QueueFunction function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        try
        {
            if (message.DequeueCount > settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, stoppingToken);
                return;
            }

            try
            {
                // A fresh instance of the function's class per message, as the worker makes one per invocation.
                await function.Invoke(services, message.Body.ToString(), stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e, function.Name, message.MessageId, message.DequeueCount);
                if (message.DequeueCount >= settings.MaxDequeueCount)
                {
                    await MoveToPoisonAsync(queue, poison, message, stoppingToken);
                }
                else
                {
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: stoppingToken);
                }

                return;
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
            LogProcessed(logger, function.Name, message.MessageId);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // The receipt went stale (the lease ran out and another receiver has the message): it is theirs now.
            LogReceiptLost(logger, message.MessageId);
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        await poison.SendMessageAsync(message.Body, cancellationToken: stoppingToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
        LogPoisoned(logger, message.MessageId, poison.Name, message.DequeueCount);
    }

    private static TimeSpan Next(TimeSpan delay, TimeSpan max) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(max.Ticks, MinPollingInterval.Ticks)));

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "{Function} processed message {MessageId}.")]
    private static partial void LogProcessed(ILogger logger, string function, string messageId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "{Function} failed on message {MessageId} (delivery {DequeueCount}).")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Message {MessageId} moved to {PoisonQueue} after {DequeueCount} deliveries.")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string poisonQueue, long dequeueCount);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "Message {MessageId} was leased to another receiver meanwhile; left to it.")]
    private static partial void LogReceiptLost(ILogger logger, string messageId);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Polling {Queue} failed ({Error}); retrying.")]
    private static partial void LogPollFailed(ILogger logger, string queue, string error);
}
