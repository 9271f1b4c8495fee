using Auth.Functions.Identities;
using Auth.Functions.Notifications;
using Auth.Functions.Storage;
using Auth.Functions.Users;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Accounts;

/// <summary>
/// Erasing an account (its owner's DeleteAccount, or an admin's AdminDeleteUser): a barrier first, a
/// clean-up second.
/// <list type="number">
/// <item>An expiry-index row is written first, due an hour later: whatever happens next, the purge
/// comes back to this account.</item>
/// <item>One write marks the user row deleted and bumps its generation (ETag-guarded): from then on no
/// key of the account works, and none that a request authorised before it mints.</item>
/// <item>Every other row of the account's partition (keys, links, events, the second factor,
/// tickets), its throttle counters and its email-index row are deleted, then the user row itself: the
/// address can register again.</item>
/// </list>
/// A crash after the mark leaves a tombstone that refuses every key and frees the address; the purge
/// finishes it, and sweeps the partition once more for a row a racing request added after the sweep.
/// </summary>
public sealed partial class AccountErasure(
    AuthTables tables, UserStore users, IdentityStore identities, ExpiryIndex expiry, AccountErasedEmails lastEmail, TimeProvider clock, ILogger<AccountErasure> logger)
{
    /// <summary>When the purge sweeps an erased account's partition once more: long after any request that raced the erasure.</summary>
    public static readonly TimeSpan SweepAfter = TimeSpan.FromHours(1);

    private const int MaxConflicts = 5;

    /// <summary>Erases the account. False when there is no such account; throws on an outage (the barrier may or may not be in place, and a retry is safe).</summary>
    public async Task<bool> EraseAsync(string userId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await users.GetAsync(userId, cancellationToken) is not { } user)
            {
                return false;
            }

            if (user.IsDeleted)
            {
                // Erased already, or a crash left it half-way: finish it.
                await FinishAsync(user, cancellationToken);
                return true;
            }

            await expiry.AddAsync(clock.GetUtcNow() + SweepAfter, ExpiryKind.Erasure, userId, "", cancellationToken);
            if (await users.TryMarkDeletedAsync(user, cancellationToken))
            {
                LogMarked(logger, userId);
                await lastEmail.RequestAsync(userId, user.Email, cancellationToken);
                await FinishAsync(user, cancellationToken);
                return true;
            }

            if (attempt == MaxConflicts)
            {
                throw new Http.ServiceBusyException("the account kept changing during its erasure", TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>
    /// Deletes everything of a marked account, the user row last. Idempotent: the purge calls it again
    /// for an erasure cut off half-way, and with <paramref name="user"/> null (the user row gone) to
    /// sweep the partition once more.
    /// </summary>
    public async Task FinishAsync(UserEntity? user, CancellationToken cancellationToken, string? userId = null)
    {
        userId ??= user!.PartitionKey;
        // The (provider, subject) index rows first, while the identity rows still name them.
        await identities.DeleteIndexRowsAsync(userId, cancellationToken);
        var rows = new List<TableEntity>();
        await foreach (var row in tables.Users.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {userId}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (row.RowKey != UserEntity.Row)
            {
                rows.Add(new TableEntity(userId, row.RowKey) { ETag = ETag.All });
            }
        }

        await TableBatch.DeleteAsync(tables.Users, rows, cancellationToken);
        if (user is null)
        {
            return;
        }

        var emailKey = EmailAddress.KeyOf(user.NormalizedEmail);
        var index = await tables.Emails.GetEntityIfExistsAsync<EmailIndexEntity>(emailKey, "", cancellationToken: cancellationToken);
        if (index.HasValue && index.Value!.UserId == userId)
        {
            try
            {
                await tables.Emails.DeleteEntityAsync(emailKey, "", index.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
            {
                // The address registered again meanwhile: that row is the new account's.
            }
        }

        var counters = new List<TableEntity>();
        await foreach (var row in tables.Throttles.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {LoginThrottle.PartitionFor(emailKey)}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            counters.Add(new TableEntity(LoginThrottle.PartitionFor(emailKey), row.RowKey) { ETag = ETag.All });
        }

        await TableBatch.DeleteAsync(tables.Throttles, counters, cancellationToken);
        try
        {
            await tables.Users.DeleteEntityAsync(userId, UserEntity.Row, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (StorageErrors.IsNotFound(e))
        {
        }

        LogErased(logger, userId, rows.Count, counters.Count);
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Account {UserId} marked deleted: no key of it works from now on.")]
    private static partial void LogMarked(ILogger logger, string userId);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Account {UserId} erased: {Rows} rows and {Counters} throttle counters deleted, then its user row.")]
    private static partial void LogErased(ILogger logger, string userId, int rows, int counters);
}
