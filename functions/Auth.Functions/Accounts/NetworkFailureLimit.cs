using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Accounts;

/// <summary>What <see cref="NetworkFailureLimit.CheckAsync"/> read: the network's window, and the wait when it is used up.</summary>
public readonly record struct NetworkFailures(NetworkFailureEntity? Window, TimeSpan? Wait);

/// <summary>
/// Failed logins per client network across every account, in storage so every instance sees them: a
/// network that sprays guesses over many accounts (each staying under its own account's back-off) is
/// stopped at <see cref="LoginThrottleOptions.NetworkFailureLimit"/> per window. Read before the
/// password is checked, counted after a failure; unknown emails count exactly as real ones.
/// </summary>
public sealed class NetworkFailureLimit(AuthTables tables, ExpiryIndex expiry, TimeProvider clock, IOptions<LoginThrottleOptions> options)
{
    private const string PartitionPrefix = "spray-";
    private const int MaxConflicts = 5;

    private readonly LoginThrottleOptions _options = options.Value;

    public static string PartitionFor(string network) => PartitionPrefix + network.Replace('/', '_');

    /// <summary>True for the partition of a network's count (the purge tells counters apart by it).</summary>
    public static bool IsPartition(string partition) => partition.StartsWith(PartitionPrefix, StringComparison.Ordinal);

    /// <summary>When the window a count was made in ends (then it is forgotten, and purged).</summary>
    public DateTimeOffset WindowEnd(DateTimeOffset windowStart) => windowStart + _options.NetworkFailureWindow;

    public async Task<NetworkFailures> CheckAsync(string network, CancellationToken cancellationToken)
    {
        var window = await GetAsync(network, cancellationToken);
        var now = clock.GetUtcNow();
        return window is { } open && WindowEnd(open.WindowStart) > now && open.Failures >= _options.NetworkFailureLimit
            ? new NetworkFailures(window, WindowEnd(open.WindowStart) - now)
            : new NetworkFailures(window, null);
    }

    /// <summary>
    /// Counts one failure (ETag-guarded, a few tries; a spray that keeps the row contended is counted
    /// a little short, never refused for it). A new window is indexed for the purge when it opens.
    /// </summary>
    public async Task RecordAsync(string network, NetworkFailures read, CancellationToken cancellationToken)
    {
        var window = read.Window;
        for (var conflicts = 0; conflicts < MaxConflicts; conflicts++)
        {
            var now = clock.GetUtcNow();
            try
            {
                if (window is null || WindowEnd(window.WindowStart) <= now)
                {
                    var opened = new NetworkFailureEntity { PartitionKey = PartitionFor(network), RowKey = "", Failures = 1, WindowStart = now };
                    await expiry.AddAsync(WindowEnd(now), ExpiryKind.Throttle, opened.PartitionKey, "", cancellationToken);
                    if (window is null)
                    {
                        await tables.Throttles.AddEntityAsync(opened, cancellationToken);
                    }
                    else
                    {
                        await tables.Throttles.UpdateEntityAsync(opened, window.ETag, TableUpdateMode.Replace, cancellationToken);
                    }

                    return;
                }

                window.Failures++;
                await tables.Throttles.UpdateEntityAsync(window, window.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e) || StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
            {
                window = await GetAsync(network, cancellationToken);
            }
        }
    }

    private async Task<NetworkFailureEntity?> GetAsync(string network, CancellationToken cancellationToken)
    {
        var response = await tables.Throttles.GetEntityIfExistsAsync<NetworkFailureEntity>(PartitionFor(network), "", cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
