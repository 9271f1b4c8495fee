using Azure.Storage.Queues;

namespace Auth.Functions.Storage;

/// <summary>
/// Creates the tables and queues once per process, after Kestrel listens (the Functions host's
/// readiness probe must not wait on the network). Requests wait briefly for it; if storage is down
/// they get 503 and creation is retried in the background until storage returns.
/// </summary>
public sealed partial class StorageInitializer(
    AuthTables tables,
    QueueServiceClient queues,
    StorageOptions options,
    IEnumerable<IQueueDeclaration> queueDeclarations,
    ILogger<StorageInitializer> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        var ready = _ready.Task;
        if (ready.IsCompleted)
        {
            return;
        }

        try
        {
            await ready.WaitAsync(options.ReadyTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new StorageNotReadyException("Storage did not become ready in time.");
        }
    }

    /// <summary>A table or queue went missing: create them again before serving more requests.</summary>
    public void Invalidate()
    {
        if (_ready.Task.IsCompleted)
        {
            _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_ready.Task.IsCompleted)
            {
                try
                {
                    await CreateAllAsync(stoppingToken);
                    _ready.TrySetResult();
                    delay = TimeSpan.FromMilliseconds(250);
                    LogReady(logger);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // Never fatal: an outage, or a 403 while role assignments propagate after a
                    // deploy, ends by itself; requests answer 503 meanwhile.
                    LogNotReady(logger, delay.TotalSeconds, Describe(e));
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                    continue;
                }
            }

            await _wake.WaitAsync(stoppingToken);
        }
    }

    private static string Describe(Exception e) => e is Azure.RequestFailedException r ? $"{r.Status} {r.ErrorCode}" : e.GetType().Name;

    private async Task CreateAllAsync(CancellationToken cancellationToken)
    {
        foreach (var table in tables.All)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }

        foreach (var queue in queueDeclarations.SelectMany(d => d.QueueNames).Distinct())
        {
            await queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Storage is ready (tables and queues exist).")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Storage is not reachable ({Error}); retrying in {DelaySeconds} s.")]
    private static partial void LogNotReady(ILogger logger, double delaySeconds, string error);
}

/// <summary>A feature that needs queues declares them here, so they are created with the tables.</summary>
public interface IQueueDeclaration
{
    /// <summary>Where the host, and the standalone listener, move a message that failed every delivery: the queue's name and this.</summary>
    const string PoisonSuffix = "-poison";

    IEnumerable<string> QueueNames { get; }
}
