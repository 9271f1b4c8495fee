using Auth.Functions.Events;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Passkeys;

/// <summary>
/// Passkeys (<see cref="PasskeyEntity"/>) and begun ceremonies (<see cref="PasskeyCeremonyEntity"/>) in the
/// users table. A passkey changes in one transaction with the event that records it and, at sign-in,
/// with the session it grants.
/// </summary>
public sealed class PasskeyStore(AuthTables tables, ExpiryIndex expiry, SecurityEvents events, TimeProvider clock, IOptions<PasskeyOptions> options)
{
    /// <summary>One partition query: the user's passkeys, oldest first.</summary>
    public async Task<List<PasskeyEntity>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var passkeys = new List<PasskeyEntity>();
        var range = TableClient.CreateQueryFilter(
            $"PartitionKey eq {userId} and RowKey ge {PasskeyEntity.RowPrefix} and RowKey lt {PasskeyEntity.RowPrefixEnd}");
        await foreach (var passkey in tables.Users.QueryAsync<PasskeyEntity>(range, cancellationToken: cancellationToken))
        {
            passkeys.Add(passkey);
        }

        return [.. passkeys.OrderBy(p => p.Created)];
    }

    /// <summary>One point read.</summary>
    public async Task<PasskeyEntity?> GetAsync(string userId, string passkeyId, CancellationToken cancellationToken)
    {
        var response = await tables.Users.GetEntityIfExistsAsync<PasskeyEntity>(userId, PasskeyEntity.RowKeyFor(passkeyId), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Stores a begun ceremony (indexed for the purge first) and returns its key: the only way to finish
    /// it. A registration's lives in its user's partition; a sign-in's in one of its own.
    /// </summary>
    public async Task<(string Key, DateTimeOffset Expires)> BeginCeremonyAsync(string? userId, string optionsJson, string? label, CancellationToken cancellationToken)
    {
        var ceremonyId = Keys.NewId();
        var owner = userId ?? Keys.NewId();
        var key = Keys.Create(KeyKind.Ceremony, owner, ceremonyId);
        var ceremony = new PasskeyCeremonyEntity
        {
            PartitionKey = userId ?? PasskeyCeremonyEntity.LoginPartitionPrefix + owner,
            RowKey = PasskeyCeremonyEntity.RowKeyFor(ceremonyId),
            KeyHash = Keys.Hash(key),
            Options = optionsJson,
            Label = label,
            Expires = clock.GetUtcNow() + options.Value.CeremonyLifetime,
        };
        await expiry.AddAsync(ceremony.Expires, ExpiryKind.PasskeyCeremony, ceremony.PartitionKey, ceremony.RowKey, cancellationToken);
        await tables.Users.AddEntityAsync(ceremony, cancellationToken);
        return (key, ceremony.Expires);
    }

    /// <summary>
    /// The ceremony the key names, when it is live: the key's hash matches and it has not expired. A
    /// registration's key must name the caller (<paramref name="userId"/>); a sign-in's names nobody.
    /// Junk keys cost no read.
    /// </summary>
    public async Task<PasskeyCeremonyEntity?> FindCeremonyAsync(string key, string? userId, CancellationToken cancellationToken)
    {
        key = key.Trim();
        if (!Keys.TryParse(key, out var parsed) || parsed.Kind != KeyKind.Ceremony || (userId is not null && parsed.UserId != userId))
        {
            return null;
        }

        var partition = userId ?? PasskeyCeremonyEntity.LoginPartitionPrefix + parsed.UserId;
        var response = await tables.Users.GetEntityIfExistsAsync<PasskeyCeremonyEntity>(
            partition, PasskeyCeremonyEntity.RowKeyFor(parsed.TokenId), cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } ceremony && Keys.Matches(key, ceremony.KeyHash) && clock.GetUtcNow() < ceremony.Expires ? ceremony : null;
    }

    /// <summary>Spends a ceremony as read: an ETag-guarded delete, so of two finishes exactly one spends it. False for the other.</summary>
    public async Task<bool> TrySpendAsync(PasskeyCeremonyEntity ceremony, CancellationToken cancellationToken)
    {
        try
        {
            var response = await tables.Users.DeleteEntityAsync(ceremony.PartitionKey, ceremony.RowKey, ceremony.ETag, cancellationToken);
            return !response.IsError;
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
        {
            return false;
        }
    }

    /// <summary>
    /// Adds a verified passkey: the ceremony is spent (ETag-guarded), the passkey added and
    /// <c>passkey_added</c> recorded, in one transaction. False when the ceremony was spent meanwhile or
    /// the credential is registered already.
    /// </summary>
    public async Task<bool> TryAddAsync(PasskeyCeremonyEntity ceremony, PasskeyEntity passkey, CancellationToken cancellationToken)
    {
        var recorded = events.New(passkey.PartitionKey, SecurityEventTypes.PasskeyAdded, passkey.PasskeyId, passkey.Label);
        await events.EnsureIndexedAsync(recorded, cancellationToken);
        try
        {
            await events.CommitAsync(() => tables.Users.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(ceremony.PartitionKey, ceremony.RowKey), ceremony.ETag),
                new TableTransactionAction(TableTransactionActionType.Add, passkey),
                new TableTransactionAction(TableTransactionActionType.Add, recorded),
            ], cancellationToken), recorded, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// A sign-in's update of the passkey: the new counter, the backup state and the time, guarded by the
    /// ETag the counter was checked against (two sign-ins with one counter value cannot both commit).
    /// </summary>
    public TableTransactionAction Use(PasskeyEntity passkey, uint signCount, bool backedUp)
    {
        var update = new TableEntity(passkey.PartitionKey, passkey.RowKey)
        {
            [nameof(PasskeyEntity.SignCount)] = (long)signCount,
            [nameof(PasskeyEntity.BackedUp)] = backedUp,
            [nameof(PasskeyEntity.LastUsed)] = clock.GetUtcNow(),
        };
        return new TableTransactionAction(TableTransactionActionType.UpdateMerge, update, passkey.ETag);
    }

    /// <summary>
    /// Deletes a passkey and records <c>passkey_removed</c> in one transaction, guarded by the user row
    /// when given (see <see cref="SecurityEvents.TryDeleteRecordedAsync"/>). False when it changed meanwhile.
    /// </summary>
    public Task<bool> TryDeleteAsync(PasskeyEntity passkey, UserEntity? guardUser, CancellationToken cancellationToken) =>
        events.TryDeleteRecordedAsync(
            tables.Users, passkey, events.New(passkey.PartitionKey, SecurityEventTypes.PasskeyRemoved, passkey.PasskeyId, passkey.Label), guardUser, cancellationToken);
}
