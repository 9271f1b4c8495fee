using Auth.Functions.Events;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Recovery;

public enum ResetLookup
{
    Valid,
    NotFound,
    Expired,
}

/// <summary>A reset token that names a live link, with its owner's row as read alongside it.</summary>
public sealed record ResetCandidate(ResetTokenEntity Reset, UserEntity User);

/// <summary>Reset tokens, in their user's partition of the users table.</summary>
public sealed class ResetTokenStore(AuthTables tables, UserStore users, ExpiryIndex expiry, SecurityEvents events, TimeProvider clock)
{
    public async Task<ResetTokenEntity?> GetAsync(string userId, string tokenId, CancellationToken cancellationToken)
    {
        var response = await tables.Users.GetEntityIfExistsAsync<ResetTokenEntity>(
            userId, ResetTokenEntity.RowKeyFor(tokenId), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Mints a new link for the request, replacing any earlier one (ETag-guarded), so however often a
    /// message is redelivered, only the latest link works. Returns null if the request's link was
    /// already sent or used: the redelivery then sends nothing.
    /// </summary>
    public async Task<(ResetTokenEntity Entity, string Token)?> MintAsync(UserEntity user, string requestId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var userId = user.PartitionKey;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await GetAsync(userId, requestId, cancellationToken);
            if (existing is { State: not ResetTokenEntity.Pending })
            {
                return null;
            }

            var token = Keys.Create(KeyKind.Reset, userId, requestId);
            var now = clock.GetUtcNow();
            var entity = existing ?? new ResetTokenEntity { PartitionKey = userId, RowKey = ResetTokenEntity.RowKeyFor(requestId) };
            entity.KeyHash = Keys.Hash(token);
            entity.State = ResetTokenEntity.Pending;
            entity.Mints++;
            entity.Created = now;
            entity.Expires = now + lifetime;
            entity.Generation = user.Generation;
            await expiry.AddAsync(entity.Expires, ExpiryKind.Reset, userId, entity.RowKey, cancellationToken);
            try
            {
                var response = existing is null
                    ? await tables.Users.AddEntityAsync(entity, cancellationToken)
                    : await tables.Users.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
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
            await tables.Users.UpdateEntityAsync(update, entity.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
        {
            // Used already (someone was quick), or replaced by a newer mint: nothing to mark.
        }
    }

    /// <summary>
    /// The reset row and its user's row, read together. Not found: unknown, used, the wrong secret,
    /// or revoked by a reset or revocation since it was minted.
    /// </summary>
    public async Task<(ResetLookup Result, ResetCandidate? Candidate)> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (!Keys.TryParse(token, out var parsed) || parsed.Kind != KeyKind.Reset)
        {
            return (ResetLookup.NotFound, null);
        }

        var resetRead = GetAsync(parsed.UserId, parsed.TokenId, cancellationToken);
        var userRead = users.GetAsync(parsed.UserId, cancellationToken);
        await Task.WhenAll(resetRead, userRead);
        var (reset, user) = (await resetRead, await userRead);
        if (reset is null || user is null || reset.State == ResetTokenEntity.Used
            || !Keys.Matches(token, reset.KeyHash) || !Revocation.Allows(user, reset))
        {
            return (ResetLookup.NotFound, null);
        }

        return (clock.GetUtcNow() >= reset.Expires ? ResetLookup.Expired : ResetLookup.Valid, new ResetCandidate(reset, user));
    }

    /// <summary>
    /// Spends the token and sets the password with the revocation barrier, as one entity-group
    /// transaction on the user's partition: both rows unchanged since read, or nothing happens. No
    /// crash or outage can leave a spent token with the old password or old keys still working, and
    /// of concurrent resets with one token exactly one commits. The new generation, or null.
    /// </summary>
    public async Task<long?> TryRedeemAsync(ResetCandidate candidate, string newPasswordHash, CancellationToken cancellationToken)
    {
        var (reset, user) = (candidate.Reset, candidate.User);
        var spend = new TableEntity(reset.PartitionKey, reset.RowKey) { [nameof(ResetTokenEntity.State)] = ResetTokenEntity.Used };
        var setPassword = UserStore.RevocationUpdate(user, keepTokenId: null, newPasswordHash, clock.GetUtcNow());
        var recorded = events.New(user.PartitionKey, SecurityEventTypes.PasswordReset);
        await events.EnsureIndexedAsync(recorded, cancellationToken);
        try
        {
            await events.CommitAsync(() => tables.Users.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, spend, reset.ETag),
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, setPassword, user.ETag),
                new TableTransactionAction(TableTransactionActionType.Add, recorded),
            ], cancellationToken), recorded, cancellationToken);
            return user.Generation + 1;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }
}
