using System.Text.Json;

namespace Auth.Functions.Hosting;

/// <summary>
/// The standalone server's queue-trigger behaviour, read from host.json (<c>extensions.queues</c>) so the standalone listener
/// behaves exactly as the Functions host does. The <c>Queues</c> configuration section may override
/// it (the tests shorten the timings).
/// </summary>
public sealed class QueueTriggerOptions
{
    public const string Section = "Queues";

    /// <summary>Deliveries before a failing message moves to <c>{queue}-poison</c>.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Delay before a failed message becomes visible again.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Longest wait between polls of an empty queue.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    public int BatchSize { get; set; } = 16;

    /// <summary>How long a received message stays invisible while it is processed.</summary>
    public TimeSpan ProcessingLease { get; set; } = TimeSpan.FromMinutes(5);

    public static void ApplyHostJson(QueueTriggerOptions options, string appRoot)
    {
        var path = Path.Combine(appRoot, "host.json");
        if (!File.Exists(path))
        {
            return;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (!doc.RootElement.TryGetProperty("extensions", out var extensions) || !extensions.TryGetProperty("queues", out var queues))
        {
            return;
        }

        if (queues.TryGetProperty("maxDequeueCount", out var max) && max.TryGetInt32(out var count))
        {
            options.MaxDequeueCount = count;
        }

        if (queues.TryGetProperty("batchSize", out var batch) && batch.TryGetInt32(out var size))
        {
            options.BatchSize = size;
        }

        if (queues.TryGetProperty("visibilityTimeout", out var visibility) && TimeSpan.TryParse(visibility.GetString(), out var v))
        {
            options.VisibilityTimeout = v;
        }

        if (queues.TryGetProperty("maxPollingInterval", out var polling) && TimeSpan.TryParse(polling.GetString(), out var p))
        {
            options.MaxPollingInterval = p;
        }
    }
}
