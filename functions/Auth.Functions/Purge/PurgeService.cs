using Auth.Functions.Accounts;
using Auth.Functions.Events;
using Auth.Functions.Email;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Purge;

public sealed record PurgeResult(
    int Sessions, int ApiKeys, int ResetTokens, int VerificationTokens, int OrphanEmailRows, int Throttles, int Events, int Deferred, int IndexRowsRead,
    int UnverifiedAccounts = 0,
    int MfaTickets = 0,
    int Erasures = 0,
    int PasskeyCeremonies = 0,
    int ExternalLogins = 0)
{
    public override string ToString() =>
        $"purged {Sessions} sessions, {ApiKeys} API keys, {ResetTokens} reset tokens, {VerificationTokens} verification tokens, {OrphanEmailRows} orphan email rows, " +
        $"{Throttles} stale counters, {Events} security events past retention, {UnverifiedAccounts} accounts never verified, {MfaTickets} second-factor tickets, {Erasures} erased accounts finished or swept, {PasskeyCeremonies} passkey ceremonies, {ExternalLogins} external sign-ins and codes; " +
        $"{Deferred} not yet due; {IndexRowsRead} index rows read";
}

/// <summary>
/// Deletes what has expired by reading only the expiry-index partitions that are due, so its work
/// grows with the number of expired items, not with the number stored. A session or API key whose
/// hour has passed is deleted without being read (its expiry never changes); every other target, one
/// that can be renewed or whose due instant is within the current hour, is re-read and deleted only
/// if it is really due (ETag-guarded). An index row is dropped only after its target is handled: two
/// overlapping runs, or a run cut off half-way, leave nothing wrong behind.
/// </summary>
public sealed class PurgeService(
    AuthTables tables,
    ExpiryIndex expiry,
    SecurityEvents events,
    UserStore users,
    TimeProvider clock,
    IOptions<LoginThrottleOptions> loginThrottle,
    IOptions<AccountOptions> accounts,
    NetworkFailureLimit networkLimit,
    AccountErasure erasure)
{
    /// <summary>Index rows handled together: one page of the index query (its deletes then fill whole transactions).</summary>
    private const int ChunkSize = 1000;

    public async Task<PurgeResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var counts = new Counts();
        var chunk = new List<ExpiryEntity>(ChunkSize);
        // One chunk is handled while the query reads the next page: reading and deleting overlap.
        var inFlight = Task.CompletedTask;
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {ExpiryIndex.BucketOf(now)}");
        await foreach (var index in tables.Expiry.QueryAsync<ExpiryEntity>(filter, cancellationToken: cancellationToken))
        {
            counts.Read++;
            chunk.Add(index);
            if (chunk.Count == ChunkSize)
            {
                await inFlight;
                inFlight = ProcessChunkAsync(chunk, now, counts, cancellationToken);
                chunk = new List<ExpiryEntity>(ChunkSize);
            }
        }

        await inFlight;
        await ProcessChunkAsync(chunk, now, counts, cancellationToken);
        return new PurgeResult(counts.Sessions, counts.ApiKeys, counts.Resets, counts.Verifications, counts.Orphans, counts.Throttles, counts.Events, counts.Deferred, counts.Read, counts.Unverified, counts.MfaTickets, counts.Erasures, counts.PasskeyCeremonies, counts.ExternalLogins);
    }

    /// <summary>Decides on each target, deletes the due ones in per-partition batches, then drops their index rows.</summary>
    private async Task ProcessChunkAsync(List<ExpiryEntity> chunk, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var deletes = new List<PendingDelete>();
        var done = new List<ExpiryEntity>();
        // The targets of a chunk are looked at concurrently (bounded): they are independent rows.
        var decisions = new object[chunk.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunk.Count),
            new ParallelOptions { MaxDegreeOfParallelism = TableBatch.MaxConcurrentRequests, CancellationToken = cancellationToken },
            async (i, ct) => decisions[i] = await HandleAsync(chunk[i], now, counts, ct));
        foreach (var (index, decision) in chunk.Zip(decisions))
        {
            switch (decision)
            {
                case PendingDelete delete:
                    deletes.Add(delete);
                    break;
                case true:
                    done.Add(index);
                    break;
            }
        }

        // ETag-guarded: a target that changed since it was read (a new failure, a re-mint) is left,
        // and so is its index row, for the next run. Several index rows may point at one target (a
        // reset re-minted, a counter failing again, into a later hour): it is deleted, and counted,
        // once, and all of them go.
        foreach (var byTable in deletes.GroupBy(d => d.Table))
        {
            var deleted = (await TableBatch.DeleteAsync(byTable.Key, byTable.Select(d => d.Entity), cancellationToken))
                .Select(e => (e.PartitionKey, e.RowKey))
                .ToHashSet();
            foreach (var target in byTable.Where(d => deleted.Contains((d.Entity.PartitionKey, d.Entity.RowKey))).GroupBy(d => (d.Entity.PartitionKey, d.Entity.RowKey)))
            {
                target.First().Count();
                done.AddRange(target.Select(d => d.Index));
            }
        }

        // Only now that their targets are gone (a run cut off before this line leaves index rows the
        // next run handles again, harmlessly), and with the ETags they were read with: a row
        // rewritten meanwhile (a re-mint into the same hour) stays for the next run.
        await TableBatch.DeleteAsync(tables.Expiry, done, cancellationToken);
    }

    /// <summary>
    /// Handles the target of one index row: a <see cref="PendingDelete"/> when it is due, true when
    /// the index row can go now (target gone, or indexed again where it falls due), false to keep it.
    /// </summary>
    private async Task<object> HandleAsync(ExpiryEntity index, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var (kind, partition, row) = ExpiryIndex.Parse(index.RowKey);
        if (kind == ExpiryKind.Erasure)
        {
            // An erased account: finish an erasure cut off half-way, or sweep the partition once more
            // for a row a request racing the erasure added after it (its user row is gone by then).
            var user = await users.GetAsync(partition, cancellationToken);
            if (user is null || user.IsDeleted)
            {
                await erasure.FinishAsync(user, cancellationToken, partition);
                Interlocked.Increment(ref counts.Erasures);
            }

            return true;
        }

        if (kind == ExpiryKind.Events)
        {
            // Indexed at the instant the day's events fall out of retention: all of them go, then the index row.
            Interlocked.Add(ref counts.Events, await events.DeleteDayAsync(partition, row, cancellationToken));
            return true;
        }

        var (due, delete) = kind switch
        {
            // A key's expiry never changes: once its whole hour has passed it is due, unread.
            ExpiryKind.Session or ExpiryKind.ApiKey when string.CompareOrdinal(index.PartitionKey, ExpiryIndex.BucketOf(now)) < 0 =>
                (null, new PendingDelete(tables.Users, new TableEntity(partition, row) { ETag = ETag.All }, () => _ = kind == ExpiryKind.Session ? counts.Sessions++ : counts.ApiKeys++)),
            // A second-factor ticket's expiry never changes either; within its hour it waits for the next run.
            ExpiryKind.MfaTicket when string.CompareOrdinal(index.PartitionKey, ExpiryIndex.BucketOf(now)) < 0 =>
                (null, new PendingDelete(tables.Users, new TableEntity(partition, row) { ETag = ETag.All }, () => counts.MfaTickets++)),
            ExpiryKind.MfaTicket => (now, null),
            // So does a passkey ceremony's, an external sign-in's and its code's (spent ones are gone already: deleting nothing is fine).
            ExpiryKind.PasskeyCeremony or ExpiryKind.ExternalLogin when string.CompareOrdinal(index.PartitionKey, ExpiryIndex.BucketOf(now)) < 0 =>
                (null, new PendingDelete(tables.Users, new TableEntity(partition, row) { ETag = ETag.All }, () => _ = kind == ExpiryKind.PasskeyCeremony ? counts.PasskeyCeremonies++ : counts.ExternalLogins++)),
            ExpiryKind.PasskeyCeremony or ExpiryKind.ExternalLogin => (now, null),
            ExpiryKind.Token or ExpiryKind.Session or ExpiryKind.ApiKey => await TokenDueAsync(partition, row, now, counts, cancellationToken),
            ExpiryKind.Reset or ExpiryKind.Verification => await LinkDueAsync(kind, partition, row, now, counts, cancellationToken),
            ExpiryKind.EmailIndex => await EmailIndexDueAsync(partition, now, counts, cancellationToken),
            ExpiryKind.UnverifiedAccount => await UnverifiedAccountDueAsync(partition, now, counts, cancellationToken),
            _ => await ThrottleDueAsync(partition, row, now, counts, cancellationToken),
        };
        if (delete is not null)
        {
            return delete with { Index = index };
        }

        if (due is null)
        {
            return true; // Gone already, or nothing to purge.
        }

        // Not due yet (a re-minted reset, a counter still in use, the current hour's bucket):
        // make sure it is indexed where it falls due, then this row can go unless it is that row.
        Interlocked.Increment(ref counts.Deferred);
        if (ExpiryIndex.BucketOf(due.Value) == index.PartitionKey)
        {
            return false;
        }

        await expiry.AddAsync(due.Value, kind, partition, row, cancellationToken);
        return true;
    }

    private async Task<(DateTimeOffset?, PendingDelete?)> TokenDueAsync(string partition, string row, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var found = await tables.Users.GetEntityIfExistsAsync<TokenEntity>(partition, row, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.Expires is not { } expires)
        {
            return (null, null); // Gone, or permanent (nothing to purge).
        }

        var token = found.Value;
        return expires > now
            ? (expires, null)
            : (null, new PendingDelete(tables.Users, token, () => _ = token.Type == TokenStore.TypeName(KeyKind.Session) ? counts.Sessions++ : counts.ApiKeys++));
    }

    /// <summary>A reset or verification link goes once it is used or expired.</summary>
    private async Task<(DateTimeOffset?, PendingDelete?)> LinkDueAsync(
        ExpiryKind kind, string partition, string row, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var found = await tables.Users.GetEntityIfExistsAsync<EmailLinkEntity>(partition, row, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return (null, null);
        }

        var link = found.Value!;
        return link.State != EmailLinkEntity.Used && link.Expires > now
            ? (link.Expires, null)
            : (null, new PendingDelete(tables.Users, link, () => _ = kind == ExpiryKind.Reset ? counts.Resets++ : counts.Verifications++));
    }

    private async Task<(DateTimeOffset?, PendingDelete?)> EmailIndexDueAsync(string emailKey, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var found = await tables.Emails.GetEntityIfExistsAsync<EmailIndexEntity>(emailKey, "", cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return (null, null);
        }

        var index = found.Value!;
        var user = await tables.Users.GetEntityIfExistsAsync<TableEntity>(index.UserId, UserEntity.Row, select: ["PartitionKey"], cancellationToken: cancellationToken);
        if (user.HasValue)
        {
            return (null, null); // A complete registration: nothing to do.
        }

        var orphanAt = index.Created + UserStore.OrphanAge;
        return orphanAt > now
            ? (orphanAt, null) // Maybe a registration still in flight.
            : (null, new PendingDelete(tables.Emails, index, () => counts.Orphans++));
    }

    /// <summary>
    /// An account still unverified at its deadline is erased, which frees its address; a verified one is
    /// left alone. The erasure is several writes (<see cref="UserStore.TryEraseUnverifiedAsync"/>), so it
    /// is done here rather than batched. An account that changed meanwhile is looked at again next run.
    /// Once verification is no longer required, unverified accounts are full accounts and are kept.
    /// </summary>
    private async Task<(DateTimeOffset?, PendingDelete?)> UnverifiedAccountDueAsync(string userId, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        if (!accounts.Value.RequireVerifiedEmail || await users.GetAsync(userId, cancellationToken) is not { IsEmailVerified: false } user)
        {
            return (null, null);
        }

        var due = user.Created + accounts.Value.UnverifiedAccountLifetime;
        if (due > now)
        {
            return (due, null);
        }

        if (await users.TryEraseUnverifiedAsync(user, cancellationToken))
        {
            Interlocked.Increment(ref counts.Unverified);
            return (null, null);
        }

        return (now, null);
    }

    private async Task<(DateTimeOffset?, PendingDelete?)> ThrottleDueAsync(string partition, string row, DateTimeOffset now, Counts counts, CancellationToken cancellationToken)
    {
        var found = await tables.Throttles.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return (null, null);
        }

        var entity = found.Value!;
        var staleAt = NetworkFailureLimit.IsPartition(partition)
            ? networkLimit.WindowEnd(entity.GetDateTimeOffset(nameof(NetworkFailureEntity.WindowStart)).GetValueOrDefault())
            : LoginThrottle.IsCounterPartition(partition)
            ? entity.GetDateTimeOffset(nameof(LoginThrottleEntity.LastFailure)).GetValueOrDefault() + loginThrottle.Value.ForgetAfter
            : EmailThrottle.IsEveryone(partition)
                ? entity.GetDateTimeOffset(nameof(EmailThrottleEntity.WindowStart)).GetValueOrDefault() + EmailThrottle.GlobalWindow
                : entity.GetDateTimeOffset(nameof(EmailThrottleEntity.WindowStart)).GetValueOrDefault() + EmailThrottle.AccountWindow;
        return staleAt > now
            ? (staleAt, null)
            : (null, new PendingDelete(tables.Throttles, entity, () => counts.Throttles++));
    }

    private sealed record PendingDelete(TableClient Table, ITableEntity Entity, Action Count)
    {
        public ExpiryEntity Index { get; init; } = null!;
    }

    private sealed class Counts
    {
        public int Sessions;
        public int ApiKeys;
        public int Resets;
        public int Verifications;
        public int Orphans;
        public int Throttles;
        public int Events;
        public int Deferred;
        public int Read;
        public int Unverified;
        public int MfaTickets;
        public int Erasures;
        public int PasskeyCeremonies;
        public int ExternalLogins;
    }
}
