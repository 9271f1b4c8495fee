using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Storage;

/// <summary>Deletes many rows in as few round trips as Table Storage allows.</summary>
public static class TableBatch
{
    /// <summary>An entity group transaction holds at most 100 operations, all in one partition.</summary>
    public const int MaxOperations = 100;

    /// <summary>
    /// Deletes the rows, each guarded by its own ETag (<see cref="ETag.All"/> for an unconditional
    /// delete), grouped by partition, 100 per transaction. A transaction is all-or-nothing, so a
    /// chunk in which a row went away (404) or changed (412) meanwhile is finished row by row.
    /// Returns the rows this call deleted.
    /// </summary>
    public static async Task<List<T>> DeleteAsync<T>(TableClient table, IEnumerable<T> rows, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var deleted = new List<T>();
        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.DistinctBy(r => r.RowKey).Chunk(MaxOperations))
            {
                if (chunk.Length > 1 && await TryTransactionAsync(table, chunk, cancellationToken))
                {
                    deleted.AddRange(chunk);
                    continue;
                }

                foreach (var row in chunk)
                {
                    try
                    {
                        var response = await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                        if (response.Status != 404)
                        {
                            deleted.Add(row);
                        }
                    }
                    catch (RequestFailedException e) when (e.Status is 404 or 412)
                    {
                    }
                }
            }
        }

        return deleted;
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
