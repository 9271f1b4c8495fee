using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Recovery;

/// <summary>What <see cref="ResetEmailThrottle.TryReserveAsync"/> decided; with <see cref="ResetEmailSlot.GlobalLimit"/>, when the next window opens.</summary>
public readonly record struct ResetEmailReservation(ResetEmailSlot Slot, TimeSpan RetryAfter);

/// <summary>The outcome of a reservation.</summary>
public enum ResetEmailSlot
{
    /// <summary>Both slots taken: send.</summary>
    Reserved,
    /// <summary>The account had its share: drop the request (its HTTP answer was the same anyway).</summary>
    AccountLimit,
    /// <summary>The whole service had its share this minute: try again in the next one.</summary>
    GlobalLimit,
}

/// <summary>
/// Limits on reset emails, kept in storage so every instance shares them: one per account per
/// interval, a few per account per hour, and an overall cap per minute. Slots are reserved
/// (ETag-guarded) before the email is sent, so concurrent workers cannot both take the last one.
/// The global slot is taken first and given back if the account's is refused, so requests dropped
/// for one account never use up the service's share.
/// </summary>
public sealed class ResetEmailThrottle(AuthTables tables, ExpiryIndex expiry, TimeProvider clock, IOptions<RecoveryOptions> options)
{
    public const string Everyone = "reset-all";

    /// <summary>The window of the overall cap; the purge reads it too.</summary>
    public static readonly TimeSpan GlobalWindow = TimeSpan.FromMinutes(1);

    /// <summary>The window of the per-account hourly cap; the purge reads it too.</summary>
    public static readonly TimeSpan AccountWindow = TimeSpan.FromHours(1);

    public static string PartitionFor(string emailKey) => "reset-" + emailKey;

    public async Task<ResetEmailReservation> TryReserveAsync(string emailKey, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var minute = GlobalRow(now);
        if (!await TryTakeAsync(Everyone, minute, now, entity => entity.SentInWindow < settings.MaxPerMinute, GlobalWindow, cancellationToken))
        {
            // From the same instant the window was judged by: the next one opens at the next minute.
            var windowStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
            return new(ResetEmailSlot.GlobalLimit, windowStart + GlobalWindow - now);
        }

        var perAccount = await TryTakeAsync(PartitionFor(emailKey), "", now, entity =>
            (entity.SentInWindow == 0 || now - entity.LastSent >= settings.MinIntervalPerAccount)
            && (now - entity.WindowStart >= AccountWindow || entity.SentInWindow < settings.MaxPerAccountPerHour),
            AccountWindow, cancellationToken);
        if (perAccount)
        {
            return new(ResetEmailSlot.Reserved, TimeSpan.Zero);
        }

        await ReleaseAsync(Everyone, minute, cancellationToken);
        return new(ResetEmailSlot.AccountLimit, TimeSpan.Zero);
    }

    private static string GlobalRow(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<bool> TryTakeAsync(
        string partition, string row, DateTimeOffset now, Func<EmailThrottleEntity, bool> allowed, TimeSpan window, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var existing = await tables.Throttles.GetEntityIfExistsAsync<EmailThrottleEntity>(partition, row, cancellationToken: cancellationToken);
            var entity = existing.HasValue ? existing.Value! : new EmailThrottleEntity { PartitionKey = partition, RowKey = row, WindowStart = now };
            if (!allowed(entity))
            {
                return false;
            }

            if (now - entity.WindowStart >= window)
            {
                entity.WindowStart = now;
                entity.SentInWindow = 0;
            }

            entity.SentInWindow++;
            entity.LastSent = now;
            try
            {
                if (existing.HasValue)
                {
                    await tables.Throttles.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await expiry.AddAsync(now + window, ExpiryKind.Throttle, partition, row, cancellationToken);
                    await tables.Throttles.AddEntityAsync(entity, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e) || StorageErrors.IsPreconditionFailed(e))
            {
                await Task.Delay(Random.Shared.Next(1, 20), cancellationToken);
            }
        }

        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="TryTakeAsync"/> (ETag-guarded, so no concurrent take is lost).</summary>
    private async Task ReleaseAsync(string partition, string row, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var existing = await tables.Throttles.GetEntityIfExistsAsync<EmailThrottleEntity>(partition, row, cancellationToken: cancellationToken);
            if (!existing.HasValue || existing.Value!.SentInWindow == 0)
            {
                return;
            }

            var entity = existing.Value;
            entity.SentInWindow--;
            try
            {
                await tables.Throttles.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e))
            {
                await Task.Delay(Random.Shared.Next(1, 20), cancellationToken);
            }
        }
    }
}
