using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Email;

/// <summary>
/// Limits on emails that anyone can ask for, kept in storage so every instance shares them: one per
/// account per interval, a few per account per hour, and an overall cap per minute, each kind
/// (<see cref="EmailLimits.Scope"/>) counted on its own. Slots are reserved
/// (ETag-guarded) before the email is sent, so concurrent workers cannot both take the last one.
/// The global slot is taken first and given back if the account's is refused, so requests dropped
/// for one account never use up the service's share.
/// </summary>
public sealed class EmailThrottle(AuthTables tables, ExpiryIndex expiry, TimeProvider clock)
{
    private const string EveryoneSuffix = "-all";

    /// <summary>The window of the overall cap; the purge reads it too.</summary>
    public static readonly TimeSpan GlobalWindow = TimeSpan.FromMinutes(1);

    /// <summary>The window of the per-account hourly cap; the purge reads it too.</summary>
    public static readonly TimeSpan AccountWindow = TimeSpan.FromHours(1);

    public static string PartitionFor(string scope, string emailKey) => $"{scope}-{emailKey}";

    /// <summary>The partition of a kind's overall counters (one row per minute).</summary>
    public static string EveryoneOf(string scope) => scope + EveryoneSuffix;

    /// <summary>True for an overall counter's partition (an account's ends with a 64-digit email key).</summary>
    public static bool IsEveryone(string partition) => partition.EndsWith(EveryoneSuffix, StringComparison.Ordinal);

    public async Task<EmailReservation> TryReserveAsync(EmailLimits settings, string emailKey, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var minute = GlobalRow(now);
        var everyone = EveryoneOf(settings.Scope);
        if (!await TryTakeAsync(everyone, minute, now, entity => entity.SentInWindow < settings.MaxPerMinute, GlobalWindow, cancellationToken))
        {
            // From the same instant the window was judged by: the next one opens at the next minute.
            var windowStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
            return new(EmailSlot.GlobalLimit, windowStart + GlobalWindow - now);
        }

        var perAccount = await TryTakeAsync(PartitionFor(settings.Scope, emailKey), "", now, entity =>
            (entity.SentInWindow == 0 || now - entity.LastSent >= settings.MinIntervalPerAccount)
            && (now - entity.WindowStart >= AccountWindow || entity.SentInWindow < settings.MaxPerAccountPerHour),
            AccountWindow, cancellationToken);
        if (perAccount)
        {
            return new(EmailSlot.Reserved, TimeSpan.Zero);
        }

        await ReleaseAsync(everyone, minute, cancellationToken);
        return new(EmailSlot.AccountLimit, TimeSpan.Zero);
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
