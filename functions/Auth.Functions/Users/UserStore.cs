using Auth.Functions.Events;
using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Users;

public enum CreateUserOutcome
{
    Created,
    EmailTaken,
}

/// <summary>Users and the email index. Every call is a point read or a single-entity write.</summary>
public sealed class UserStore(AuthTables tables, ExpiryIndex expiry, SecurityEvents events, TimeProvider clock)
{
    /// <summary>An index row older than this whose user record never appeared is a crash leftover, not a registration in flight.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(2);

    /// <summary>How logs name the user of a request whose account is not known.</summary>
    public const string UnknownUser = "(unknown)";

    public static string NewUserId() => Guid.NewGuid().ToString("N");

    public async Task<UserEntity?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var response = await tables.Users.GetEntityIfExistsAsync<UserEntity>(userId, UserEntity.Row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// True when the email belongs to an account, or to a registration that may still be in flight. An
    /// index row left by a registration cut off between its writes does not count: it is reclaimed.
    /// </summary>
    public async Task<bool> EmailTakenAsync(string emailKey, CancellationToken cancellationToken)
    {
        var response = await tables.Emails.GetEntityIfExistsAsync<EmailIndexEntity>(emailKey, "", cancellationToken: cancellationToken);
        return response.HasValue && !await IsOrphanAsync(response.Value!, cancellationToken);
    }

    /// <remarks>An index row of an account being erased is free at once: the address may register again.</remarks>
    private async Task<bool> IsOrphanAsync(EmailIndexEntity index, CancellationToken cancellationToken) =>
        await GetAsync(index.UserId, cancellationToken) is not { } user ? clock.GetUtcNow() - index.Created >= OrphanAge : user.IsDeleted;

    public async Task<UserEntity?> FindByEmailAsync(string emailKey, CancellationToken cancellationToken)
    {
        var index = await tables.Emails.GetEntityIfExistsAsync<EmailIndexEntity>(emailKey, "", cancellationToken: cancellationToken);
        return index.HasValue && await GetAsync(index.Value!.UserId, cancellationToken) is { IsDeleted: false } user ? user : null;
    }

    /// <summary>
    /// The account of an email: the index row, then the user row. An email without an account reads a
    /// user row that never exists instead, so both take the same two reads in the same order (the login
    /// path must not reveal which it was by its storage work).
    /// </summary>
    public async Task<UserEntity?> FindByEmailEvenlyAsync(string emailKey, CancellationToken cancellationToken)
    {
        var index = await tables.Emails.GetEntityIfExistsAsync<EmailIndexEntity>(emailKey, "", cancellationToken: cancellationToken);
        var user = await GetAsync(index.HasValue ? index.Value!.UserId : NobodyOf(emailKey), cancellationToken);
        return index.HasValue && user is { IsDeleted: false } ? user : null;
    }

    /// <summary>A user id that is never issued (issued ids are hex), spread over 16 partitions by the email key.</summary>
    private static string NobodyOf(string emailKey) => "~nobody-" + emailKey[^1];

    /// <summary>
    /// The index row is inserted first and is the lock: of two concurrent registrations exactly one
    /// insert succeeds. The user row follows; a crash in between leaves only an index row pointing at
    /// nothing, which grants no access and is reclaimed (here, or by the purge).
    /// </summary>
    /// <param name="eraseIfUnverifiedAt">When the purge erases the account if its address is still unverified then (null: never).</param>
    public async Task<CreateUserOutcome> CreateAsync(UserEntity user, string emailKey, DateTimeOffset? eraseIfUnverifiedAt, CancellationToken cancellationToken)
    {
        var index = new EmailIndexEntity { PartitionKey = emailKey, RowKey = "", UserId = user.PartitionKey, Created = user.Created };
        // Lets the purge find this index row if the user row below never gets written, and the account
        // if its address is never verified.
        await Task.WhenAll(
            expiry.AddAsync(user.Created + OrphanAge, ExpiryKind.EmailIndex, emailKey, "", cancellationToken),
            eraseIfUnverifiedAt is { } erase
                ? expiry.AddAsync(erase, ExpiryKind.UnverifiedAccount, user.PartitionKey, "", cancellationToken)
                : Task.CompletedTask);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await tables.Emails.AddEntityAsync(index, cancellationToken);
                break;
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e) && attempt == 0)
            {
                if (!await TryReclaimOrphanAsync(emailKey, cancellationToken))
                {
                    return CreateUserOutcome.EmailTaken;
                }
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e))
            {
                return CreateUserOutcome.EmailTaken;
            }
        }

        try
        {
            await tables.Users.AddEntityAsync(user, cancellationToken);
        }
        catch
        {
            // Best effort: leave no index row behind. If this fails too, the orphan is harmless.
            try
            {
                await tables.Emails.DeleteEntityAsync(emailKey, "", ETag.All, CancellationToken.None);
            }
            catch (Exception e) when (e is RequestFailedException || StorageErrors.IsOutage(e))
            {
                // The original failure is the answer; the orphan is reclaimed later.
            }

            throw;
        }

        return CreateUserOutcome.Created;
    }

    /// <summary>
    /// Erases an account whose address was never verified, so the address can register again. The user
    /// row goes first, guarded by the ETag it was read with: a verification (or any change) that landed
    /// meanwhile keeps the account, and once it is gone no key of it works. Then its email index row (if
    /// it still points here) and every other row of its partition. A crash in between leaves an orphan
    /// index row (reclaimed as any is) and rows no key can reach. False when the account changed.
    /// </summary>
    public async Task<bool> TryEraseUnverifiedAsync(UserEntity user, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Users.DeleteEntityAsync(user.PartitionKey, UserEntity.Row, user.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
        {
            return false;
        }

        var emailKey = EmailAddress.KeyOf(user.NormalizedEmail);
        var index = await tables.Emails.GetEntityIfExistsAsync<EmailIndexEntity>(emailKey, "", cancellationToken: cancellationToken);
        if (index.HasValue && index.Value!.UserId == user.PartitionKey)
        {
            try
            {
                await tables.Emails.DeleteEntityAsync(emailKey, "", index.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
            {
                // Reclaimed by a new registration already.
            }
        }

        var rows = new List<TableEntity>();
        await foreach (var row in tables.Users.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {user.PartitionKey}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(new TableEntity(user.PartitionKey, row.RowKey) { ETag = ETag.All });
        }

        await TableBatch.DeleteAsync(tables.Users, rows, cancellationToken);
        return true;
    }

    private async Task<bool> TryReclaimOrphanAsync(string emailKey, CancellationToken cancellationToken)
    {
        var existing = await tables.Emails.GetEntityIfExistsAsync<EmailIndexEntity>(emailKey, "", cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            return true; // Deleted in between: try the insert again.
        }

        var index = existing.Value!;
        if (!await IsOrphanAsync(index, cancellationToken))
        {
            return false;
        }

        try
        {
            // ETag-guarded: if another registration reclaimed it first, we lose and report the email taken.
            await tables.Emails.DeleteEntityAsync(emailKey, "", index.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
        {
            return false;
        }
    }

    /// <summary>
    /// Replaces the password hash only if the user row is unchanged since it was read (ETag). A changed
    /// password is recorded as <paramref name="eventType"/> in the same transaction.
    /// </summary>
    public async Task<bool> TryUpdatePasswordHashAsync(
        UserEntity user, string passwordHash, bool passwordChanged, CancellationToken cancellationToken, string? eventType = null, string? tokenId = null)
    {
        var update = new TableEntity(user.PartitionKey, user.RowKey)
        {
            [nameof(UserEntity.PasswordHash)] = passwordHash,
        };
        if (passwordChanged)
        {
            update[nameof(UserEntity.PasswordChanged)] = clock.GetUtcNow();
        }

        return await TryMergeAsync(update, user.ETag, eventType is null ? null : events.New(user.PartitionKey, eventType, tokenId), cancellationToken);
    }

    /// <summary>
    /// The revocation barrier (see the Tokens feature's Revocation): bumps the generation, names the
    /// kept key and, when given, sets the new password hash, in one write that succeeds only if the
    /// row is unchanged since <paramref name="user"/> was read. Null when it changed meanwhile.
    /// </summary>
    /// <remarks>The event (<paramref name="eventType"/>, by <paramref name="tokenId"/>) goes in the same transaction.</remarks>
    public async Task<long?> TryRevokeAsync(
        UserEntity user, string? keepTokenId, string? newPasswordHash, string eventType, string? tokenId, CancellationToken cancellationToken)
    {
        var update = RevocationUpdate(user, keepTokenId, newPasswordHash, clock.GetUtcNow());
        return await TryMergeAsync(update, user.ETag, events.New(user.PartitionKey, eventType, tokenId), cancellationToken) ? user.Generation + 1 : null;
    }

    /// <summary>
    /// Disables the account (a revocation barrier: the generation bumps, no key is kept, and the flag is
    /// set, in one write guarded by the ETag of <paramref name="user"/>) or enables it again. The event
    /// goes in the same transaction. False when the row changed meanwhile.
    /// </summary>
    public async Task<bool> TrySetDisabledAsync(UserEntity user, bool disabled, string? reason, SecurityEventEntity @event, CancellationToken cancellationToken)
    {
        var update = disabled ? RevocationUpdate(user, keepTokenId: null, newPasswordHash: null, clock.GetUtcNow()) : new TableEntity(user.PartitionKey, user.RowKey);
        update[nameof(UserEntity.Disabled)] = disabled;
        update[nameof(UserEntity.DisabledReason)] = disabled ? reason ?? "" : "";
        return await TryMergeAsync(update, user.ETag, @event, cancellationToken);
    }

    /// <summary>
    /// The erasure's barrier: the account is marked deleted and its generation bumped in one write
    /// guarded by the ETag of <paramref name="user"/>; from then on no key of it works. False when the
    /// row changed meanwhile.
    /// </summary>
    public async Task<bool> TryMarkDeletedAsync(UserEntity user, CancellationToken cancellationToken)
    {
        var update = RevocationUpdate(user, keepTokenId: null, newPasswordHash: null, clock.GetUtcNow());
        update[nameof(UserEntity.Deleted)] = true;
        return await TryMergeAsync(update, user.ETag, @event: null, cancellationToken);
    }

    /// <summary>The merge that bumps the generation; a reset puts it in one transaction with spending its token.</summary>
    public static TableEntity RevocationUpdate(UserEntity user, string? keepTokenId, string? newPasswordHash, DateTimeOffset now)
    {
        var update = new TableEntity(user.PartitionKey, user.RowKey)
        {
            [nameof(UserEntity.Generation)] = user.Generation + 1,
            // Written even when null: a key kept by an earlier revocation is not kept by this one.
            [nameof(UserEntity.KeptTokenId)] = keepTokenId ?? "",
        };
        if (newPasswordHash is not null)
        {
            update[nameof(UserEntity.PasswordHash)] = newPasswordHash;
            update[nameof(UserEntity.PasswordChanged)] = now;
        }

        return update;
    }

    private async Task<bool> TryMergeAsync(TableEntity update, ETag etag, SecurityEventEntity? @event, CancellationToken cancellationToken)
    {
        if (@event is not null)
        {
            // Outside the try: a 404 here is a missing table (503), not a user row that changed.
            await events.EnsureIndexedAsync(@event, cancellationToken);
        }

        try
        {
            if (@event is null)
            {
                await tables.Users.UpdateEntityAsync(update, etag, TableUpdateMode.Merge, cancellationToken);
                return true;
            }

            await events.CommitAsync(() => tables.Users.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, update, etag),
                new TableTransactionAction(TableTransactionActionType.Add, @event),
            ], cancellationToken), @event, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
        {
            return false;
        }
    }
}
