using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Recovery;

/// <summary>
/// Limits on reset emails, kept in storage so every instance shares them: one per account per
/// interval, a few per account per hour, and an overall cap per minute. A slot is reserved
/// (ETag-guarded) before the email is sent, so concurrent workers cannot both take the last one.
/// </summary>
public sealed class ResetEmailThrottle(AuthTables tables, ExpiryIndex expiry, TimeProvider clock, IOptions<RecoveryOptions> options)
{
    public const string Everyone = "reset-all";

    public static string PartitionFor(string emailKey) => "reset-" + emailKey;

    public async Task<bool> TryReserveAsync(string emailKey, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var perAccount = await TryTakeAsync(PartitionFor(emailKey), "", now, entity =>
            (entity.SentInWindow == 0 || now - entity.LastSent >= settings.MinIntervalPerAccount)
            && (now - entity.WindowStart >= TimeSpan.FromHours(1) || entity.SentInWindow < settings.MaxPerAccountPerHour),
            TimeSpan.FromHours(1), cancellationToken);
        if (!perAccount)
        {
            return false;
        }

        return await TryTakeAsync(Everyone, now.ToString("yyyyMMddHHmm"), now,
            entity => entity.SentInWindow < settings.MaxPerMinute, TimeSpan.FromMinutes(1), cancellationToken);
    }

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
}
