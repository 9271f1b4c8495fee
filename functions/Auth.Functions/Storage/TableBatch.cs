using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Storage;

/// <summary>Deletes many rows in as few round trips as Table Storage allows.</summary>
public static class TableBatch
{
    /// <summary>An entity group transaction holds at most 100 operations, all in one partition.</summary>
    public const int MaxOperations = 100;

    /// <summary>Requests one call keeps in flight at once (partitions are deleted concurrently).</summary>
    public const int MaxConcurrentRequests = 16;

    /// <summary>
    /// Deletes the rows, each guarded by its own ETag (<see cref="ETag.All"/> for an unconditional
    /// delete), grouped by partition, 100 per transaction. A transaction is all-or-nothing, so a
    /// chunk in which a row went away (404) or changed (412) meanwhile is finished row by row.
    /// Returns the rows this call deleted.
    /// </summary>
    public static async Task<List<T>> DeleteAsync<T>(TableClient table, IEnumerable<T> rows, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var deleted = new System.Collections.Concurrent.ConcurrentBag<T>();
        // Partitions are independent: their transactions (or single deletes) go out concurrently.
        var chunks = rows.GroupBy(r => r.PartitionKey).SelectMany(p => p.DistinctBy(r => r.RowKey).Chunk(MaxOperations));
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentRequests, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            if (chunk.Length > 1 && await TryTransactionAsync(table, chunk, ct))
            {
                foreach (var row in chunk)
                {
                    deleted.Add(row);
                }

                return;
            }

            foreach (var row in chunk)
            {
                try
                {
                    var response = await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct);
                    if (response.Status != 404)
                    {
                        deleted.Add(row);
                    }
                }
                catch (RequestFailedException e) when (e.Status is 404 or 412)
                {
                }
            }
        });
        return [.. deleted];
    }

    private static async Task<bool> TryTransactionAsync<T>(TableClient table, T[] chunk, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        try
        {
            await table.SubmitTransactionAsync(
                chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag)), cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }
}
