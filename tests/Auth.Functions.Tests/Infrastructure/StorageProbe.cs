using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>One storage request as the probe saw it: method, path (with the table or queue name) and body.</summary>
public sealed record StorageRequest(string Method, string Path, string Body)
{
    /// <summary>A point read or write of one row: <c>/{account}/{table}(PartitionKey='…',RowKey='…')</c>.</summary>
    public bool IsPointOperation => Path.Contains("(PartitionKey=", StringComparison.Ordinal);

    /// <summary>The row key a point operation addresses, or null.</summary>
    public string? RowKey => IsPointOperation ? Path.Split("RowKey='")[1].TrimEnd(')').TrimEnd('\'') : null;

    /// <summary>A request to a table whose name ends with <paramref name="table"/> (tables carry the test's prefix).</summary>
    public bool IsTo(string table) => Path.TrimStart('/').Split('/').ElementAtOrDefault(1)?.Split('(')[0].EndsWith(table, StringComparison.Ordinal) == true;

    public bool IsBatch => Path.EndsWith("/$batch", StringComparison.Ordinal);

    /// <summary>A table request (the queue listener's background polling is not one).</summary>
    public bool IsTable { get; init; }
}

/// <summary>
/// A pipeline policy in every storage client of a test app: counts requests, and pauses or fails
/// the next request that matches a rule, at the exact point a test names (a race forced, not hoped for).
/// </summary>
public sealed class StorageProbe : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<Rule> _rules = new();
    private int _requests;
    private int _tableRequests;

    /// <summary>Storage requests sent so far (every try counts).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Table requests sent so far: what request handling costs, without the queue listener's polling.</summary>
    public int TableRequests => Volatile.Read(ref _tableRequests);

    private volatile System.Collections.Concurrent.ConcurrentQueue<StorageRequest>? _recording;

    /// <summary>Every storage request from now on, in order (each try counts), until the next call.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<StorageRequest> Record() => _recording = new();

    /// <summary>Holds the next matching request until the gate is released.</summary>
    public Gate PauseAt(Func<StorageRequest, bool> match)
    {
        var gate = new Gate();
        _rules.Enqueue(new Rule(match, gate, null, 1));
        return gate;
    }

    /// <summary>Matching requests fail with <paramref name="error"/> (never reaching storage) until the fault is stopped.</summary>
    public Fault FailAt(Func<StorageRequest, bool> match, Func<Exception> error)
    {
        var gate = new Gate();
        gate.Release();
        var rule = new Rule(match, gate, error, int.MaxValue);
        _rules.Enqueue(rule);
        return new Fault(gate, rule.Stop);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _requests);
        var request = Describe(message);
        _recording?.Enqueue(request);
        if (request.IsTable)
        {
            Interlocked.Increment(ref _tableRequests);
        }

        if (!_rules.IsEmpty && _rules.FirstOrDefault(r => r.Remaining > 0 && r.Match(request)) is { } rule && rule.Take())
        {
            rule.Gate.Arrive();
            await rule.Gate.Released;
            if (rule.Error is not null)
            {
                throw rule.Error();
            }
        }

        await ProcessNextAsync(message, pipeline);
    }

    private static StorageRequest Describe(HttpMessage message)
    {
        var body = "";
        if (message.Request.Content is { } content)
        {
            using var buffer = new MemoryStream();
            content.WriteTo(buffer, CancellationToken.None);
            body = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        var path = Uri.UnescapeDataString(message.Request.Uri.Path);
        // Queue requests address /{account}/{queue}/messages; table requests never have a third segment.
        return new StorageRequest(message.Request.Method.Method, path, body) { IsTable = path.TrimStart('/').Split('/').Length == 2 };
    }

    /// <summary>A 503 from storage, as an outage looks to the SDK after its retries.</summary>
    public static Exception Outage() => new RequestFailedException(503, "Injected by the test: storage unavailable.");

    private sealed class Rule(Func<StorageRequest, bool> match, Gate gate, Func<Exception>? error, int times)
    {
        private int _remaining = times;

        public Func<StorageRequest, bool> Match => match;
        public Gate Gate => gate;
        public Func<Exception>? Error => error;
        public int Remaining => Volatile.Read(ref _remaining);

        public bool Take() => Interlocked.Decrement(ref _remaining) >= 0;

        public void Stop() => Volatile.Write(ref _remaining, 0);
    }
}

/// <summary>An injected failure: how many requests it failed, and a way to end it.</summary>
public sealed record Fault(Gate Gate, Action Stop)
{
    public int Arrivals => Gate.Arrivals;
}

/// <summary>Where a paused request waits: a test awaits <see cref="Reached"/>, acts, then calls <see cref="Release"/>.</summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrivals;

    /// <summary>Completes when a matching request arrived (and is now held).</summary>
    public Task Reached => _reached.Task;

    public Task Released => _released.Task;

    public int Arrivals => Volatile.Read(ref _arrivals);

    public void Arrive()
    {
        Interlocked.Increment(ref _arrivals);
        _reached.TrySetResult();
    }

    public void Release() => _released.TrySetResult();

    /// <summary>Waits for the request to arrive, failing the test rather than hanging if it never does.</summary>
    public Task WaitReachedAsync() => Reached.WaitAsync(TimeSpan.FromSeconds(30));
}
