using Auth.Functions.Accounts;
using Auth.Functions.Recovery;
using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Purge;

public sealed record PurgeResult(int Sessions, int ApiKeys, int ResetTokens, int OrphanEmailRows, int Throttles, int Deferred, int IndexRowsRead)
{
    public override string ToString() =>
        $"purged {Sessions} sessions, {ApiKeys} API keys, {ResetTokens} reset tokens, {OrphanEmailRows} orphan email rows, " +
        $"{Throttles} stale counters; {Deferred} not yet due; {IndexRowsRead} index rows read";
}

/// <summary>
/// Deletes what has expired by reading only the expiry-index partitions that are due, so its work
/// grows with the number of expired items, not with the number stored. Each target is re-read and
/// deleted only if it is really due (ETag-guarded), and an index row is dropped only after its
/// target is handled: two overlapping runs, or a run cut off half-way, leave nothing wrong behind.
/// </summary>
public sealed class PurgeService(AuthTables tables, ExpiryIndex expiry, TimeProvider clock, IOptions<LoginThrottleOptions> loginThrottle)
{
    private const int BatchSize = 100;

    public async Task<PurgeResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var counts = new Counts();
        var done = new Dictionary<string, List<string>>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {ExpiryIndex.BucketOf(now)}");
        await foreach (var index in tables.Expiry.QueryAsync<ExpiryEntity>(filter, cancellationToken: cancellationToken))
        {
            counts.Read++;
            if (!await HandleAsync(index, now, counts, cancellationToken))
            {
                continue; // Not due yet and already indexed where it belongs.
            }

            if (!done.TryGetValue(index.PartitionKey, out var rows))
            {
                done[index.PartitionKey] = rows = [];
            }

            rows.Add(index.RowKey);
            if (rows.Count == BatchSize)
            {
                await DropIndexRowsAsync(index.PartitionKey, rows, cancellationToken);
                rows.Clear();
            }
        }

        foreach (var (partition, rows) in done)
        {
            await DropIndexRowsAsync(partition, rows, cancellationToken);
        }

        return new PurgeResult(counts.Sessions, counts.ApiKeys, counts.Resets, counts.Orphans, counts.Throttles, counts.Deferred, counts.Read);
    }

    /// <summary>Handles the target of one index row; true when the index row can go.</summary>
    private async Task<bool> HandleAsync(ExpiryEntity index, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var (kind, partition, row) = ExpiryIndex.Parse(index.RowKey);
        DateTimeOffset? due = kind switch
        {
            ExpiryKind.Token => await TokenDueAsync(partition, row, now, counts, cancellationToken),
            ExpiryKind.Reset => await ResetDueAsync(partition, row, now, counts, cancellationToken),
            ExpiryKind.EmailIndex => await EmailIndexDueAsync(partition, now, counts, cancellationToken),
            _ => await ThrottleDueAsync(partition, row, now, counts, cancellationToken),
        };
        if (due is null)
        {
            return true; // Deleted, or gone already.
        }

        // Not due yet (a re-minted reset, a counter still in use, the current hour's bucket):
        // make sure it is indexed where it falls due, then this row can go unless it is that row.
        counts.Deferred++;
        if (ExpiryIndex.BucketOf(due.Value) == index.PartitionKey)
        {
            return false;
        }

        await expiry.AddAsync(due.Value, kind, partition, row, cancellationToken);
        return true;
    }

    private async Task<DateTimeOffset?> TokenDueAsync(string partition, string row, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var found = await tables.Users.GetEntityIfExistsAsync<TokenEntity>(partition, row, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.Expires is not { } expires)
        {
            return null; // Gone, or permanent (nothing to purge).
        }

        if (expires > now)
        {
            return expires;
        }

        if (await DeleteAsync(tables.Users, found.Value, cancellationToken))
        {
            _ = found.Value.Type == "session" ? counts.Sessions++ : counts.ApiKeys++;
        }

        return null;
    }

    private async Task<DateTimeOffset?> ResetDueAsync(string partition, string row, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var found = await tables.Resets.GetEntityIfExistsAsync<ResetTokenEntity>(partition, row, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return null;
        }

        var reset = found.Value!;
        if (reset.State != ResetTokenEntity.Used && reset.Expires > now)
        {
            return reset.Expires;
        }

        if (await DeleteAsync(tables.Resets, reset, cancellationToken))
        {
            counts.Resets++;
        }

        return null;
    }

    private async Task<DateTimeOffset?> EmailIndexDueAsync(string emailKey, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var found = await tables.Emails.GetEntityIfExistsAsync<EmailIndexEntity>(emailKey, "", cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return null;
        }

        var index = found.Value!;
        var user = await tables.Users.GetEntityIfExistsAsync<TableEntity>(index.UserId, UserEntity.Row, select: ["PartitionKey"], cancellationToken: cancellationToken);
        if (user.HasValue)
        {
            return null; // A complete registration: nothing to do.
        }

        if (index.Created + UserStore.OrphanAge > now)
        {
            return index.Created + UserStore.OrphanAge; // Maybe a registration still in flight.
        }

        if (await DeleteAsync(tables.Emails, index, cancellationToken))
        {
            counts.Orphans++;
        }

        return null;
    }

    private async Task<DateTimeOffset?> ThrottleDueAsync(string partition, string row, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var found = await tables.Throttles.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return null;
        }

        var entity = found.Value!;
        var staleAt = partition.StartsWith("login-", StringComparison.Ordinal)
            ? entity.GetDateTimeOffset(nameof(LoginThrottleEntity.LastFailure)).GetValueOrDefault() + loginThrottle.Value.ForgetAfter
            : partition == ResetEmailThrottle.Everyone
                ? entity.GetDateTimeOffset(nameof(EmailThrottleEntity.WindowStart)).GetValueOrDefault() + TimeSpan.FromMinutes(1)
                : entity.GetDateTimeOffset(nameof(EmailThrottleEntity.WindowStart)).GetValueOrDefault() + TimeSpan.FromHours(1);
        if (staleAt > now)
        {
            return staleAt;
        }

        if (await DeleteAsync(tables.Throttles, entity, cancellationToken))
        {
            counts.Throttles++;
        }

        return null;
    }

    /// <summary>ETag-guarded: a row that changed since it was read (a new failure, a re-mint) is left for the next run.</summary>
    private static async Task<bool> DeleteAsync(TableClient table, ITableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e))
        {
            return false;
        }
    }

    private async Task DropIndexRowsAsync(string partition, List<string> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, r), ETag.All)).ToList();
        try
        {
            await tables.Expiry.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // An overlapping run dropped some of them already.
            foreach (var r in rows)
            {
                await tables.Expiry.DeleteEntityAsync(partition, r, ETag.All, cancellationToken);
            }
        }
    }

    private sealed class Counts
    {
        public int Sessions;
        public int ApiKeys;
        public int Resets;
        public int Orphans;
        public int Throttles;
        public int Deferred;
        public int Read;
    }
}
