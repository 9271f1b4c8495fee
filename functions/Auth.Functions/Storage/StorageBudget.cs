using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Auth.Functions.Storage;

/// <summary>The request's storage budget ran out: storage is too slow to answer in time (503).</summary>
public sealed class StorageBudgetExceededException() : Exception("The request's storage time budget is spent.");

/// <summary>
/// One storage time budget per request, across all its storage calls and their retries. Storage
/// that hangs (rather than refusing) would otherwise hold a request for tries × network timeout;
/// with the budget every storage call of the request is cut off when it runs out, and the request
/// answers 503 <c>storage_unavailable</c>. Time spent on other work (waiting for and computing a
/// password hash) is given back, so a busy hasher is never mistaken for slow storage. Outside a
/// request (background work) there is no budget.
/// </summary>
public static class StorageBudget
{
    private static readonly AsyncLocal<Deadline?> Current = new();

    /// <summary>Starts the budget of the work that flows from here (an HTTP request); disposing ends it.</summary>
    public static IDisposable Start(TimeSpan budget)
    {
        var previous = Current.Value;
        Current.Value = new Deadline(Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency));
        return new Scope(() => Current.Value = previous);
    }

    /// <summary>Work that is not storage: the time until the scope is disposed is added back to the budget.</summary>
    public static IDisposable Exclude()
    {
        if (Current.Value is not { } deadline)
        {
            return new Scope(() => { });
        }

        var started = Stopwatch.GetTimestamp();
        return new Scope(() => Interlocked.Add(ref deadline.Timestamp, Stopwatch.GetTimestamp() - started));
    }

    /// <summary>Time left, or null outside a budget.</summary>
    public static TimeSpan? Remaining =>
        Current.Value is { } deadline ? Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Volatile.Read(ref deadline.Timestamp)) : null;

    private sealed class Deadline(long timestamp)
    {
        public long Timestamp = timestamp;
    }

    private sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }

    /// <summary>
    /// Runs before every try (after the SDK's retry policy): refuses a try once the budget is spent,
    /// and never lets one wait for an answer longer than the budget has left.
    /// </summary>
    public sealed class Policy(TimeSpan networkTimeout) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Apply(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Apply(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Apply(HttpMessage message)
        {
            if (Remaining is not { } remaining)
            {
                return;
            }

            if (remaining <= TimeSpan.Zero)
            {
                throw new StorageBudgetExceededException();
            }

            message.NetworkTimeout = remaining < networkTimeout ? remaining : networkTimeout;
        }
    }
}
