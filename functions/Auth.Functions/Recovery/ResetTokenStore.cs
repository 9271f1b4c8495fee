using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Recovery;

public enum ResetLookup
{
    Valid,
    NotFound,
    Expired,
}

/// <summary>Reset tokens, one partition per user.</summary>
public sealed class ResetTokenStore(AuthTables tables, ExpiryIndex expiry, TimeProvider clock)
{
    public async Task<ResetTokenEntity?> GetAsync(string userId, string tokenId, CancellationToken cancellationToken)
    {
        var response = await tables.Resets.GetEntityIfExistsAsync<ResetTokenEntity>(userId, tokenId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Mints a new link for the request, replacing any earlier one (ETag-guarded), so however often a
    /// message is redelivered, only the latest link works. Returns null if the request's link was
    /// already sent or used: the redelivery then sends nothing.
    /// </summary>
    public async Task<(ResetTokenEntity Entity, string Token)?> MintAsync(string userId, string requestId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await GetAsync(userId, requestId, cancellationToken);
            if (existing is { State: not ResetTokenEntity.Pending })
            {
                return null;
            }

            var token = Keys.Create(KeyKind.Reset, userId, requestId);
            var now = clock.GetUtcNow();
            var entity = existing ?? new ResetTokenEntity { PartitionKey = userId, RowKey = requestId };
            entity.KeyHash = Keys.Hash(token);
            entity.State = ResetTokenEntity.Pending;
            entity.Mints++;
            entity.Created = now;
            entity.Expires = now + lifetime;
            await expiry.AddAsync(entity.Expires, ExpiryKind.Reset, userId, requestId, cancellationToken);
            try
            {
                var response = existing is null
                    ? await tables.Resets.AddEntityAsync(entity, cancellationToken)
                    : await tables.Resets.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                entity.ETag = response.Headers.ETag.GetValueOrDefault();
                return (entity, token);
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e) || StorageErrors.IsPreconditionFailed(e))
            {
                // A concurrent delivery of the same message got there first: look again.
            }
        }

        throw new InvalidOperationException("Could not mint a reset token after repeated conflicts.");
    }

    public async Task MarkSentAsync(ResetTokenEntity entity, CancellationToken cancellationToken)
    {
        var update = new TableEntity(entity.PartitionKey, entity.RowKey) { [nameof(ResetTokenEntity.State)] = ResetTokenEntity.Sent };
        try
        {
            await tables.Resets.UpdateEntityAsync(update, entity.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
        {
            // Used already (someone was quick), or replaced by a newer mint: nothing to mark.
        }
    }

    public async Task<(ResetLookup Result, ResetTokenEntity? Entity)> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (!Keys.TryParse(token, out var parsed) || parsed.Kind != KeyKind.Reset)
        {
            return (ResetLookup.NotFound, null);
        }

        var entity = await GetAsync(parsed.UserId, parsed.TokenId, cancellationToken);
        if (entity is null || entity.State == ResetTokenEntity.Used || !Keys.Matches(token, entity.KeyHash))
        {
            return (ResetLookup.NotFound, null);
        }

        return clock.GetUtcNow() >= entity.Expires ? (ResetLookup.Expired, entity) : (ResetLookup.Valid, entity);
    }

    /// <summary>Single use: of concurrent resets with one token, exactly one wins this ETag-guarded update.</summary>
    public async Task<bool> TryConsumeAsync(ResetTokenEntity entity, CancellationToken cancellationToken)
    {
        var update = new TableEntity(entity.PartitionKey, entity.RowKey) { [nameof(ResetTokenEntity.State)] = ResetTokenEntity.Used };
        try
        {
            await tables.Resets.UpdateEntityAsync(update, entity.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
        {
            return false;
        }
    }

    /// <summary>After a successful reset every other outstanding link of the user dies too.</summary>
    public async Task DeleteOthersAsync(string userId, string keepTokenId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId}");
        var others = new List<TableEntity>();
        await foreach (var row in tables.Resets.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (row.RowKey != keepTokenId)
            {
                others.Add(new TableEntity(userId, row.RowKey) { ETag = ETag.All });
            }
        }

        await TableBatch.DeleteAsync(tables.Resets, others, cancellationToken);
    }
}
