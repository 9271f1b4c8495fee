using Auth.Functions.Storage;
using Auth.Functions.Users;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Tokens;

/// <summary>
/// The single-use links that emails carry (password reset, email verification), in their user's
/// partition: minted by the queue worker that sends the email, spent by the feature that owns the
/// kind, in one transaction with the change the link allows.
/// </summary>
public sealed class EmailLinkStore(AuthTables tables, UserStore users, ExpiryIndex expiry, TimeProvider clock)
{
    public async Task<EmailLinkEntity?> GetAsync(EmailLinkKind kind, string userId, string id, CancellationToken cancellationToken)
    {
        var response = await tables.Users.GetEntityIfExistsAsync<EmailLinkEntity>(userId, kind.RowKeyFor(id), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Mints a new link for the request, replacing any earlier one (ETag-guarded), so however often a
    /// message is redelivered, only the latest link works. Returns null if the request's link was
    /// already sent or used: the redelivery then sends nothing.
    /// </summary>
    public async Task<(EmailLinkEntity Entity, string Token)?> MintAsync(
        EmailLinkKind kind, UserEntity user, string requestId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var userId = user.PartitionKey;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await GetAsync(kind, userId, requestId, cancellationToken);
            if (existing is { State: not EmailLinkEntity.Pending })
            {
                return null;
            }

            var token = Keys.Create(kind.Key, userId, requestId);
            var now = clock.GetUtcNow();
            var entity = existing ?? new EmailLinkEntity { PartitionKey = userId, RowKey = kind.RowKeyFor(requestId) };
            entity.KeyHash = Keys.Hash(token);
            entity.State = EmailLinkEntity.Pending;
            entity.Mints++;
            entity.Created = now;
            entity.Expires = now + lifetime;
            entity.Generation = user.Generation;
            await expiry.AddAsync(entity.Expires, kind.Expiry, userId, entity.RowKey, cancellationToken);
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

        throw new InvalidOperationException("Could not mint an email link after repeated conflicts.");
    }

    public async Task MarkSentAsync(EmailLinkEntity entity, CancellationToken cancellationToken)
    {
        var update = new TableEntity(entity.PartitionKey, entity.RowKey) { [nameof(EmailLinkEntity.State)] = EmailLinkEntity.Sent };
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
    /// The link's row and its user's row, read together. Not found: not a link of this kind, unknown,
    /// used, the wrong secret, or refused by <paramref name="allows"/> (a revocation since it was minted).
    /// </summary>
    public async Task<(LinkLookup Result, LinkCandidate? Candidate)> FindAsync(
        EmailLinkKind kind, string token, Func<UserEntity, EmailLinkEntity, bool> allows, CancellationToken cancellationToken)
    {
        if (!Keys.TryParse(token, out var parsed) || parsed.Kind != kind.Key)
        {
            return (LinkLookup.NotFound, null);
        }

        var linkRead = GetAsync(kind, parsed.UserId, parsed.TokenId, cancellationToken);
        var userRead = users.GetAsync(parsed.UserId, cancellationToken);
        await Task.WhenAll(linkRead, userRead);
        var (link, user) = (await linkRead, await userRead);
        if (link is null || user is null || link.State == EmailLinkEntity.Used || !Keys.Matches(token, link.KeyHash) || !allows(user, link))
        {
            return (LinkLookup.NotFound, null);
        }

        return (clock.GetUtcNow() >= link.Expires ? LinkLookup.Expired : LinkLookup.Valid, new LinkCandidate(link, user));
    }

    /// <summary>The merge that spends a link: for a transaction with the change it allows, guarded by the link's ETag.</summary>
    public static TableTransactionAction Spend(EmailLinkEntity link) =>
        new(TableTransactionActionType.UpdateMerge,
            new TableEntity(link.PartitionKey, link.RowKey) { [nameof(EmailLinkEntity.State)] = EmailLinkEntity.Used }, link.ETag);
}
