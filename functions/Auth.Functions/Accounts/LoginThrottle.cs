using Auth.Functions.Storage;
using Azure;
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

/// <summary>
/// Failed logins counted per normalised email in table storage, so every instance sees the same
/// count, and for unknown emails exactly as for real ones, so a 429 never reveals an account.
/// </summary>
public sealed class LoginThrottle(AuthTables tables, ExpiryIndex expiry, TimeProvider clock, IOptions<LoginThrottleOptions> options)
{
    private readonly LoginThrottleOptions _options = options.Value;

    public static string PartitionFor(string emailKey) => "login-" + emailKey;

    /// <summary>The consecutive failures so far, and how long the caller must wait (null: an attempt is allowed now).</summary>
    public async Task<(int Failures, TimeSpan? Wait)> CheckAsync(string emailKey, CancellationToken cancellationToken)
    {
        var entity = await GetAsync(emailKey, cancellationToken);
        if (entity is null || entity.Failures < _options.FreeAttempts)
        {
            return (entity?.Failures ?? 0, null);
        }

        var wait = entity.LastFailure + DelayFor(entity.Failures) - clock.GetUtcNow();
        return (entity.Failures, wait > TimeSpan.Zero ? wait : null);
    }

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

    /// <summary>Adds one failure. Optimistic concurrency (ETags) makes parallel failures all count.</summary>
    public async Task<int> RecordFailureAsync(string emailKey, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var entity = await GetAsync(emailKey, cancellationToken);
            try
            {
                if (entity is null)
                {
                    entity = new LoginThrottleEntity { PartitionKey = PartitionFor(emailKey), RowKey = "", Failures = 1, LastFailure = clock.GetUtcNow() };
                    await expiry.AddAsync(entity.LastFailure + _options.ForgetAfter, ExpiryKind.Throttle, entity.PartitionKey, "", cancellationToken);
                    await tables.Throttles.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    entity.Failures++;
                    entity.LastFailure = clock.GetUtcNow();
                    await tables.Throttles.UpdateEntityAsync(entity, entity.ETag, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
                }

                return entity.Failures;
            }
            catch (RequestFailedException e) when ((StorageErrors.IsConflict(e) || StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e)) && attempt < 200)
            {
                // Lost a race with another failure: read again and retry, with jitter to spread the herd.
                await Task.Delay(Random.Shared.Next(1, 10 + Math.Min(attempt, 20) * 5), cancellationToken);
            }
        }
    }

    /// <summary>A success clears the count (a no-op, without a write, when there is none).</summary>
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
