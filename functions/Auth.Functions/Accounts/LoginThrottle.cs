using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Accounts;

public sealed class LoginThrottleOptions
{
    public const string Section = "LoginThrottle";

    /// <summary>Consecutive failures allowed before back-off starts.</summary>
    public int FreeAttempts { get; set; } = 5;

    /// <summary>Wait after the first throttled failure; doubles with each further failure.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Cap of the back-off. There is no permanent lockout: it would be a denial-of-service lever.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A counter untouched this long is forgotten (purged).</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>What <see cref="LoginThrottle.TryBeginAsync"/> decided: go ahead (the attempt is counted already), or wait.</summary>
public readonly record struct LoginAttempt(int Failures, TimeSpan? Wait);

/// <summary>
/// Failed logins counted per normalised email in table storage, so every instance sees the same
/// count, and for unknown emails exactly as for real ones, so a 429 never reveals an account.
/// An attempt is counted <em>before</em> the password is checked (an ETag-guarded write) and a
/// success clears the count: of many guesses in flight at once, at most FreeAttempts are evaluated,
/// because each must first win its own increment of the same row.
/// </summary>
public sealed class LoginThrottle(AuthTables tables, ExpiryIndex expiry, TimeProvider clock, IOptions<LoginThrottleOptions> options)
{
    private const int MaxConflicts = 200;

    private readonly LoginThrottleOptions _options = options.Value;

    private const string PartitionPrefix = "login-";

    public static string PartitionFor(string emailKey) => PartitionPrefix + emailKey;

    /// <summary>True for the partition of a failed-login counter (the purge tells counters apart by it).</summary>
    public static bool IsCounterPartition(string partition) => partition.StartsWith(PartitionPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Reserves one attempt for the email: counted as a failure now, cleared by <see cref="ResetAsync"/>
    /// on success. Refused (with the wait) while the failures so far call for back-off.
    /// </summary>
    public async Task<LoginAttempt> TryBeginAsync(string emailKey, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            // Most emails have no counter: the first try inserts one without reading (one round trip);
            // if a counter exists the insert conflicts, and the next try reads it.
            var optimistic = attempt == 0;
            var entity = optimistic ? null : await GetAsync(emailKey, cancellationToken);
            var now = clock.GetUtcNow();
            var failures = entity is null || IsForgotten(entity, now) ? 0 : entity.Failures;
            if (failures >= _options.FreeAttempts && entity!.LastFailure + DelayFor(failures) - now is var wait && wait > TimeSpan.Zero)
            {
                return new LoginAttempt(failures, wait);
            }

            try
            {
                if (entity is null)
                {
                    // Not indexed for the purge here: most attempts succeed and delete the row at once;
                    // a failure indexes it (RecordFailureAsync).
                    entity = new LoginThrottleEntity { PartitionKey = PartitionFor(emailKey), RowKey = "", Failures = 1, LastFailure = now };
                    await tables.Throttles.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    entity.Failures = failures + 1;
                    entity.LastFailure = now;
                    await tables.Throttles.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return new LoginAttempt(entity.Failures, null);
            }
            catch (RequestFailedException e) when (optimistic && StorageErrors.IsConflict(e))
            {
                // There is a counter: read it on the next try, at once.
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e) || StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
            {
                // Another attempt counted itself first: read again, with jitter to spread the herd.
                await Task.Delay(Random.Shared.Next(1, 10 + Math.Min(attempt, 20) * 5), cancellationToken);
            }
        }

        // Contention this heavy is itself a burst of guesses: refuse rather than evaluate uncounted.
        return new LoginAttempt(_options.FreeAttempts, _options.BaseDelay);
    }

    /// <summary>Failures before back-off: the failure that reaches it makes throttling engage.</summary>
    public int FreeAttempts => _options.FreeAttempts;

    public TimeSpan DelayFor(int failures)
    {
        if (failures < _options.FreeAttempts)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - _options.FreeAttempts, 30);
        var ticks = Math.Min((double)_options.BaseDelay.Ticks * Math.Pow(2, doublings), _options.MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>A counter untouched for <see cref="LoginThrottleOptions.ForgetAfter"/> counts as zero, purged or not.</summary>
    public bool IsForgotten(LoginThrottleEntity entity, DateTimeOffset now) => now - entity.LastFailure >= _options.ForgetAfter;

    /// <summary>
    /// The attempt failed (it is counted already): the counter is indexed for the purge at the hour it
    /// will be forgotten. One upsert per failure, none per success.
    /// </summary>
    public Task RecordFailureAsync(string emailKey, CancellationToken cancellationToken) =>
        expiry.AddAsync(clock.GetUtcNow() + _options.ForgetAfter, ExpiryKind.Throttle, PartitionFor(emailKey), "", cancellationToken);

    /// <summary>A success clears the count.</summary>
    public async Task ResetAsync(string emailKey, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Throttles.DeleteEntityAsync(PartitionFor(emailKey), "", ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (StorageErrors.IsNotFound(e))
        {
        }
    }

    private async Task<LoginThrottleEntity?> GetAsync(string emailKey, CancellationToken cancellationToken)
    {
        var response = await tables.Throttles.GetEntityIfExistsAsync<LoginThrottleEntity>(PartitionFor(emailKey), "", cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
