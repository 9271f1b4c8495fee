using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Accounts;

/// <summary>
/// Failed logins counted in table storage, so every instance sees the same counts, and for unknown
/// emails exactly as for real ones, so a 429 never reveals an account. Two counts per email:
/// <list type="bullet">
/// <item>per client network (<see cref="Http.ClientNetwork"/>): an attempt is counted <em>before</em> the
/// password is checked (an ETag-guarded write) and a success clears it. Of many guesses in flight at
/// once from one network, at most FreeAttempts are evaluated, because each must first win its own
/// increment. Back-off then applies to that network alone: an attacker elsewhere cannot keep the owner out.</item>
/// <item>per account: the failures that were within some network's free attempts, from every network.
/// At <see cref="LoginThrottleOptions.AccountCeiling"/> the account backs off for everyone; reaching it
/// takes many networks, never one.</item>
/// <item>per client network across all accounts (<see cref="NetworkFailureLimit"/>): a spray over many accounts.</item>
/// </list>
/// Contention on a counter (many logins of one account at once) ends in a 429 after a few tries, never
/// in an exhausted storage budget: waiting out a conflict is not storage time.
/// </summary>
public sealed class LoginThrottle(AuthTables tables, ExpiryIndex expiry, NetworkFailureLimit acrossAccounts, TimeProvider clock, IOptions<LoginThrottleOptions> options)
{
    private const int MaxConflicts = 8;
    private const string PartitionPrefix = "login-";
    private const string AccountRow = "";
    private const string NetworkRowPrefix = "net-";

    private readonly LoginThrottleOptions _options = options.Value;

    public static string PartitionFor(string emailKey) => PartitionPrefix + emailKey;

    /// <summary>The row of a network's counter (row keys may not hold '/').</summary>
    public static string NetworkRow(string network) => NetworkRowPrefix + network.Replace('/', '_');

    /// <summary>True for the partition of a failed-login counter (the purge tells counters apart by it).</summary>
    public static bool IsCounterPartition(string partition) => partition.StartsWith(PartitionPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Reserves one attempt for this email from this network: counted as a failure now, cleared by
    /// <see cref="ResetAsync"/> on success. The account's count and the network's across accounts are read
    /// in the same round trip. Refused (with the wait) while any count calls for back-off, or when the
    /// network's counter stays contended.
    /// </summary>
    public async Task<LoginAttempt> TryBeginAsync(string emailKey, string network, CancellationToken cancellationToken)
    {
        var reading = GetAsync(PartitionFor(emailKey), AccountRow, cancellationToken);
        var reserving = ReserveAsync(emailKey, network, cancellationToken);
        var spraying = acrossAccounts.CheckAsync(network, cancellationToken);
        await Task.WhenAll(reading, reserving, spraying);
        var (account, (networkFailures, networkWait), spray) = (await reading, await reserving, await spraying);
        var now = clock.GetUtcNow();
        if (account is not null && IsForgotten(account, now))
        {
            account = null;
        }

        var accountWait = account is { Failures: var failures } && failures >= _options.AccountCeiling
            && account.LastFailure + Backoff(failures - _options.AccountCeiling) - now is var left && left > TimeSpan.Zero
            ? left
            : (TimeSpan?)null;
        if ((accountWait ?? spray.Wait) is not null && networkWait is null)
        {
            // Counted on the network in the same round trip that read the other counts, but never
            // evaluated: uncounted again, so waiting out another count's back-off costs nothing here.
            await UncountAsync(emailKey, network, cancellationToken);
        }

        TimeSpan?[] waits = [networkWait, accountWait, spray.Wait];
        return new LoginAttempt(emailKey, network, networkFailures, account, spray, waits.Max());
    }

    /// <summary>
    /// An attempt allowed to go on but then refused for another reason (never evaluated), or one whose
    /// right password proves too little to clear the counts (an account with a second factor): its own
    /// count is taken back, and nothing else.
    /// </summary>
    public Task ReleaseAsync(LoginAttempt attempt, CancellationToken cancellationToken) =>
        attempt.Wait is null ? UncountAsync(attempt.EmailKey, attempt.Network, cancellationToken) : Task.CompletedTask;

    /// <summary>Takes back one reservation (best effort: a conflicting write wins, and the count stays one higher).</summary>
    private async Task UncountAsync(string emailKey, string network, CancellationToken cancellationToken)
    {
        if (await GetAsync(PartitionFor(emailKey), NetworkRow(network), cancellationToken) is not { Failures: > 0 } entity)
        {
            return;
        }

        try
        {
            if (entity.Failures == 1)
            {
                // The reservation made the row, and nothing indexed it for the purge: it goes, so that
                // refused attempts on many emails leave nothing behind.
                await tables.Throttles.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
                return;
            }

            entity.Failures--;
            await tables.Throttles.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
        {
        }
    }

    private async Task<(int Failures, TimeSpan? Wait)> ReserveAsync(string emailKey, string network, CancellationToken cancellationToken)
    {
        var partition = PartitionFor(emailKey);
        var row = NetworkRow(network);
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            // Most attempts find no counter: the first try inserts one without reading (one round trip);
            // if a counter exists the insert conflicts, and the next try reads it.
            var optimistic = attempt == 0;
            var entity = optimistic ? null : await GetAsync(partition, row, cancellationToken);
            var now = clock.GetUtcNow();
            var failures = entity is null || IsForgotten(entity, now) ? 0 : entity.Failures;
            if (failures >= _options.FreeAttempts && entity!.LastFailure + DelayFor(failures) - now is var wait && wait > TimeSpan.Zero)
            {
                return (failures, wait);
            }

            try
            {
                if (entity is null)
                {
                    // Not indexed for the purge here: most attempts succeed and delete the row at once;
                    // a failure indexes it (RecordFailureAsync).
                    entity = new LoginThrottleEntity { PartitionKey = partition, RowKey = row, Failures = 1, LastFailure = now };
                    await tables.Throttles.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    entity.Failures = failures + 1;
                    entity.LastFailure = now;
                    await tables.Throttles.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return (entity.Failures, null);
            }
            catch (RequestFailedException e) when (optimistic && StorageErrors.IsConflict(e))
            {
                // There is a counter: read it on the next try, at once.
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e) || StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
            {
                await JitterAsync(attempt, cancellationToken);
            }
        }

        // Contention this heavy is a crowd at one counter (a shared account, or a burst of guesses):
        // answered as overload, and evaluated uncounted never.
        return (0, _options.ContentionRetryAfter);
    }

    /// <summary>Whether failing this attempt makes back-off engage, for its network or for the account (a <c>login_throttled</c> event).</summary>
    public bool Engages(LoginAttempt attempt) =>
        attempt.NetworkFailures == _options.FreeAttempts || (CountsForAccount(attempt) && attempt.AccountFailures + 1 == _options.AccountCeiling);

    /// <summary>A failure counts for the account while it is within its network's free attempts.</summary>
    private bool CountsForAccount(LoginAttempt attempt) => attempt.NetworkFailures <= _options.FreeAttempts;

    /// <summary>
    /// The attempt failed (its network's count holds it already). Counts it for the account too while
    /// it was within the network's free attempts, and indexes the counters for the purge at the hour
    /// they will be forgotten.
    /// </summary>
    /// <remarks>The same writes for every email, account or not: the failure path must not tell them apart.</remarks>
    public async Task RecordFailureAsync(LoginAttempt attempt, CancellationToken cancellationToken)
    {
        var partition = PartitionFor(attempt.EmailKey);
        var countsForAccount = CountsForAccount(attempt);
        var rows = countsForAccount ? new[] { NetworkRow(attempt.Network), AccountRow } : [NetworkRow(attempt.Network)];
        await Task.WhenAll(
            expiry.AddAsync(clock.GetUtcNow() + _options.ForgetAfter, ExpiryKind.Throttle, partition, rows, cancellationToken),
            acrossAccounts.RecordAsync(attempt.Network, attempt.AcrossAccounts, cancellationToken),
            countsForAccount ? IncrementAccountAsync(attempt, cancellationToken) : Task.CompletedTask);
    }

    /// <summary>
    /// The password was right but a second factor is still due: the attempt stays counted on its network
    /// (indexed for the purge, as a failure is) until the factor is proven, which clears it
    /// (<see cref="ClearAsync"/>). So a password alone never wipes the wrong codes counted before it.
    /// </summary>
    public Task HoldAsync(LoginAttempt attempt, CancellationToken cancellationToken) =>
        expiry.AddAsync(clock.GetUtcNow() + _options.ForgetAfter, ExpiryKind.Throttle, PartitionFor(attempt.EmailKey), NetworkRow(attempt.Network), cancellationToken);

    /// <summary>
    /// A wrong second-factor code, counted as a wrong password is (for the network, the account and the
    /// network across accounts) so that guessing codes backs off like guessing passwords.
    /// </summary>
    public async Task CountFailureAsync(string emailKey, string network, CancellationToken cancellationToken)
    {
        var attempt = await TryBeginAsync(emailKey, network, cancellationToken);
        if (attempt.Wait is null)
        {
            await RecordFailureAsync(attempt, cancellationToken);
        }
    }

    /// <summary>A proof of the account (a completed reset) clears its count and that of the network it came from.</summary>
    public Task ClearAsync(string emailKey, string network, CancellationToken cancellationToken) =>
        Task.WhenAll(DeleteAsync(PartitionFor(emailKey), AccountRow, cancellationToken), DeleteAsync(PartitionFor(emailKey), NetworkRow(network), cancellationToken));

    private async Task IncrementAccountAsync(LoginAttempt attempt, CancellationToken cancellationToken)
    {
        var partition = PartitionFor(attempt.EmailKey);
        var entity = attempt.Account;
        for (var conflicts = 0; ; conflicts++)
        {
            var now = clock.GetUtcNow();
            try
            {
                if (entity is null)
                {
                    entity = new LoginThrottleEntity { PartitionKey = partition, RowKey = AccountRow, Failures = 1, LastFailure = now };
                    await tables.Throttles.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    entity.Failures = IsForgotten(entity, now) ? 1 : entity.Failures + 1;
                    entity.LastFailure = now;
                    await tables.Throttles.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException e) when (conflicts < MaxConflicts
                && (StorageErrors.IsConflict(e) || StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e)))
            {
                // Failures from several networks at once: count on the newest row.
                await JitterAsync(conflicts, cancellationToken);
                entity = await GetAsync(partition, AccountRow, cancellationToken);
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e) || StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
            {
                // Lost to a crowd of failures that counted themselves: the account is well on its way.
                return;
            }
        }
    }

    /// <summary>A success clears the network's count, and the account's when there was one.</summary>
    public async Task ResetAsync(LoginAttempt attempt, CancellationToken cancellationToken)
    {
        var partition = PartitionFor(attempt.EmailKey);
        var clearing = DeleteAsync(partition, NetworkRow(attempt.Network), cancellationToken);
        if (attempt.AccountFailures > 0)
        {
            await DeleteAsync(partition, AccountRow, cancellationToken);
        }

        await clearing;
    }

    public TimeSpan DelayFor(int failures) => failures < _options.FreeAttempts ? TimeSpan.Zero : Backoff(failures - _options.FreeAttempts);

    private TimeSpan Backoff(int doublings)
    {
        var ticks = Math.Min((double)_options.BaseDelay.Ticks * Math.Pow(2, Math.Min(doublings, 30)), _options.MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>A counter untouched for <see cref="LoginThrottleOptions.ForgetAfter"/> counts as zero, purged or not.</summary>
    public bool IsForgotten(LoginThrottleEntity entity, DateTimeOffset now) => now - entity.LastFailure >= _options.ForgetAfter;

    private static async Task JitterAsync(int attempt, CancellationToken cancellationToken)
    {
        // Spreads the herd; not storage time, so it does not spend the request's storage budget.
        using var notStorage = StorageBudget.Exclude();
        await Task.Delay(Random.Shared.Next(1, 10 + Math.Min(attempt, 20) * 5), cancellationToken);
    }

    private async Task DeleteAsync(string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Throttles.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (StorageErrors.IsNotFound(e))
        {
        }
    }

    private async Task<LoginThrottleEntity?> GetAsync(string partition, string row, CancellationToken cancellationToken)
    {
        var response = await tables.Throttles.GetEntityIfExistsAsync<LoginThrottleEntity>(partition, row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
