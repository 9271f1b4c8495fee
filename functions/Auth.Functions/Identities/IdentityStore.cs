using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Events;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Identities;

/// <summary>
/// Linked identities and their (provider, subject) index, begun sign-ins (flows) and the codes they hand
/// the app. Identities live in their user's partition, so erasure takes them; an index row left behind
/// by an erasure points at nobody and is reclaimed by the next link of that subject.
/// </summary>
public sealed class IdentityStore(AuthTables tables, ExpiryIndex expiry, SecurityEvents events, TimeProvider clock, IOptions<ExternalLoginOptions> options)
{
    /// <summary>The id of a (provider, subject): short, URL-safe, a row key; the subject itself is kept on the row.</summary>
    public static string IdOf(string provider, string subject) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(provider + "\n" + subject)).AsSpan(0, 16));

    public static bool IsIdentityId(string id) => id.Length == 22 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The account the (provider, subject) is linked to, by one point read of the index (null: none).</summary>
    public async Task<string?> FindOwnerAsync(string identityId, CancellationToken cancellationToken)
    {
        var index = await tables.Emails.GetEntityIfExistsAsync<IdentityIndexEntity>(IdentityIndexEntity.PartitionPrefix + identityId, "", cancellationToken: cancellationToken);
        return index.HasValue ? index.Value!.UserId : null;
    }

    /// <summary>
    /// Links the identity to the user: the index row first (the lock; one left by an account that no
    /// longer exists is taken over, guarded), then the identity row and <c>external_identity_linked</c>
    /// in one transaction. False when the subject is linked to a live account already.
    /// </summary>
    public async Task<bool> TryLinkAsync(UserEntity user, ExternalIdentity identity, Func<string, Task<bool>> ownerExists, CancellationToken cancellationToken)
    {
        var id = IdOf(identity.Provider, identity.Subject);
        var index = new IdentityIndexEntity { PartitionKey = IdentityIndexEntity.PartitionPrefix + id, RowKey = "", UserId = user.PartitionKey };
        try
        {
            await tables.Emails.AddEntityAsync(index, cancellationToken);
        }
        catch (RequestFailedException e) when (StorageErrors.IsConflict(e))
        {
            var existing = (await tables.Emails.GetEntityAsync<IdentityIndexEntity>(index.PartitionKey, "", cancellationToken: cancellationToken)).Value;
            if (existing.UserId == user.PartitionKey)
            {
                return true;
            }

            if (await ownerExists(existing.UserId))
            {
                return false;
            }

            try
            {
                await tables.Emails.UpdateEntityAsync(index, existing.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException race) when (StorageErrors.IsPreconditionFailed(race) || StorageErrors.IsNotFound(race))
            {
                return false;
            }
        }

        var row = new IdentityEntity
        {
            PartitionKey = user.PartitionKey,
            RowKey = IdentityEntity.RowKeyFor(id),
            Provider = identity.Provider,
            Subject = identity.Subject,
            Email = identity.Email,
            Linked = clock.GetUtcNow(),
        };
        var recorded = events.New(user.PartitionKey, SecurityEventTypes.ExternalIdentityLinked, id, identity.Provider);
        await events.EnsureIndexedAsync(recorded, cancellationToken);
        await events.CommitAsync(() => tables.Users.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, row),
            new TableTransactionAction(TableTransactionActionType.Add, recorded),
        ], cancellationToken), recorded, cancellationToken);
        return true;
    }

    /// <summary>One partition query: the user's identities, oldest first.</summary>
    public async Task<List<IdentityEntity>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var identities = new List<IdentityEntity>();
        var range = TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey ge {IdentityEntity.RowPrefix} and RowKey lt {IdentityEntity.RowPrefixEnd}");
        await foreach (var identity in tables.Users.QueryAsync<IdentityEntity>(range, cancellationToken: cancellationToken))
        {
            identities.Add(identity);
        }

        return [.. identities.OrderBy(i => i.Linked)];
    }

    public async Task<IdentityEntity?> GetAsync(string userId, string identityId, CancellationToken cancellationToken)
    {
        var response = await tables.Users.GetEntityIfExistsAsync<IdentityEntity>(userId, IdentityEntity.RowKeyFor(identityId), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Unlinks: the identity row and <c>external_identity_unlinked</c> in one transaction (with the user
    /// row's ETag when given: two removals decided on one reading cannot both commit), then its index row,
    /// if it still points here. False when something changed meanwhile.
    /// </summary>
    public async Task<bool> TryUnlinkAsync(IdentityEntity identity, UserEntity? guardUser, CancellationToken cancellationToken)
    {
        var recorded = events.New(identity.PartitionKey, SecurityEventTypes.ExternalIdentityUnlinked, identity.IdentityId, identity.Provider);
        if (!await events.TryDeleteRecordedAsync(tables.Users, identity, recorded, guardUser, cancellationToken))
        {
            return false;
        }

        var index = await tables.Emails.GetEntityIfExistsAsync<IdentityIndexEntity>(IdentityIndexEntity.PartitionPrefix + identity.IdentityId, "", cancellationToken: cancellationToken);
        if (index.HasValue && index.Value!.UserId == identity.PartitionKey)
        {
            await tables.Emails.DeleteEntityAsync(index.Value.PartitionKey, "", index.Value.ETag, cancellationToken);
        }

        return true;
    }

    /// <summary>Deletes the index rows of the user's identities (erasure: the identity rows go with the partition).</summary>
    public async Task DeleteIndexRowsAsync(string userId, CancellationToken cancellationToken)
    {
        foreach (var identity in await ListAsync(userId, cancellationToken))
        {
            var index = await tables.Emails.GetEntityIfExistsAsync<IdentityIndexEntity>(IdentityIndexEntity.PartitionPrefix + identity.IdentityId, "", cancellationToken: cancellationToken);
            if (index.HasValue && index.Value!.UserId == userId)
            {
                await tables.Emails.DeleteEntityAsync(index.Value.PartitionKey, "", index.Value.ETag, cancellationToken);
            }
        }
    }

    /// <summary>Stores a begun sign-in (indexed for the purge first); its key is the <c>state</c>.</summary>
    public async Task<string> BeginFlowAsync(ExternalFlowEntity flow, CancellationToken cancellationToken)
    {
        var owner = Keys.NewId();
        var id = Keys.NewId();
        var key = Keys.Create(KeyKind.ExternalState, owner, id);
        flow.PartitionKey = ExternalFlowEntity.Prefix + owner;
        flow.RowKey = ExternalFlowEntity.Prefix + id;
        flow.KeyHash = Keys.Hash(key);
        flow.Expires = clock.GetUtcNow() + options.Value.FlowLifetime;
        await expiry.AddAsync(flow.Expires, ExpiryKind.ExternalLogin, flow.PartitionKey, flow.RowKey, cancellationToken);
        await tables.Users.AddEntityAsync(flow, cancellationToken);
        return key;
    }

    /// <summary>The live flow the state names (junk costs no read), or null.</summary>
    public async Task<ExternalFlowEntity?> FindFlowAsync(string? state, CancellationToken cancellationToken)
    {
        if (state is null || !Keys.TryParse(state.Trim(), out var parsed) || parsed.Kind != KeyKind.ExternalState)
        {
            return null;
        }

        var response = await tables.Users.GetEntityIfExistsAsync<ExternalFlowEntity>(
            ExternalFlowEntity.Prefix + parsed.UserId, ExternalFlowEntity.Prefix + parsed.TokenId, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } flow && Keys.Matches(state.Trim(), flow.KeyHash) && clock.GetUtcNow() < flow.Expires ? flow : null;
    }

    /// <summary>Issues the code the app exchanges (indexed for the purge first).</summary>
    /// <param name="pendingLink">An explicit link to make only when the code is exchanged with the app's verifier.</param>
    public async Task<string> IssueCodeAsync(
        UserEntity user, string provider, string appCodeChallenge, bool created, ExternalIdentity? pendingLink, CancellationToken cancellationToken)
    {
        var id = Keys.NewId();
        var key = Keys.Create(KeyKind.ExchangeCode, user.PartitionKey, id);
        var code = new ExchangeCodeEntity
        {
            PartitionKey = user.PartitionKey,
            RowKey = ExchangeCodeEntity.RowPrefix + id,
            KeyHash = Keys.Hash(key),
            Provider = provider,
            AppCodeChallenge = appCodeChallenge,
            Created = created,
            Generation = user.Generation,
            Expires = clock.GetUtcNow() + options.Value.CodeLifetime,
            LinkSubject = pendingLink?.Subject,
            LinkEmail = pendingLink?.Email,
        };
        await expiry.AddAsync(code.Expires, ExpiryKind.ExternalLogin, code.PartitionKey, code.RowKey, cancellationToken);
        await tables.Users.AddEntityAsync(code, cancellationToken);
        return key;
    }

    /// <summary>The live code the key names (junk costs no read), or null. Whether its user still admits it is the caller's to check.</summary>
    public async Task<ExchangeCodeEntity?> FindCodeAsync(string key, CancellationToken cancellationToken)
    {
        key = key.Trim();
        if (!Keys.TryParse(key, out var parsed) || parsed.Kind != KeyKind.ExchangeCode)
        {
            return null;
        }

        var response = await tables.Users.GetEntityIfExistsAsync<ExchangeCodeEntity>(parsed.UserId, ExchangeCodeEntity.RowPrefix + parsed.TokenId, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } code && Keys.Matches(key, code.KeyHash) && clock.GetUtcNow() < code.Expires ? code : null;
    }

    /// <summary>Spends a flow or a code as read: an ETag-guarded delete, so of two uses exactly one goes on.</summary>
    public async Task<bool> TrySpendAsync(ITableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            return !(await tables.Users.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken)).IsError;
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
        {
            return false;
        }
    }
}
