using System.Collections.Concurrent;
using System.Globalization;
using Auth.Functions.Http;
using Auth.Functions.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Events;

/// <summary>A page of a user's security log, newest first; <see cref="Next"/> continues it.</summary>
public sealed record SecurityEventPage(IReadOnlyList<SecurityEventEntity> Items, string? Next);

/// <summary>
/// The per-user security log. An event is written with the change it records, in one transaction,
/// wherever the two share the user's partition; the stores take it from <see cref="New"/>. Each day
/// of a user's events is indexed once for the purge (<see cref="EnsureIndexedAsync"/>), before the
/// first event of that day is written.
/// </summary>
public sealed partial class SecurityEvents(
    AuthTables tables,
    ExpiryIndex expiry,
    TimeProvider clock,
    IOptions<SecurityEventOptions> options,
    IEnumerable<ISecurityEventListener> listeners,
    ILogger<SecurityEvents> logger)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 50;
    public const string DayFormat = "yyyyMMdd";

    // Days already indexed by this process, per user: the index write is skipped after the first event of a day.
    private readonly ConcurrentDictionary<(string UserId, string Day), bool> _indexed = new();
    private string _today = "";

    /// <summary>An event for <paramref name="userId"/> now, with the current request's client.</summary>
    public SecurityEventEntity New(string userId, string type, string? tokenId = null, string? label = null)
    {
        var now = clock.GetUtcNow();
        var client = ClientInfo.Current;
        return new SecurityEventEntity
        {
            PartitionKey = userId,
            RowKey = SecurityEventEntity.RowKeyFor(now, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))),
            Type = type,
            At = now,
            Ip = client?.Ip,
            UserAgent = client?.UserAgent,
            TokenId = tokenId,
            Label = label is { Length: > Http.Labels.MaxLength } ? label[..Http.Labels.MaxLength] : label,
        };
    }

    // The days already indexed are remembered per user; past this many a day's memory starts over (an
    // index write more, harmless), so memory stays bounded.
    private const int MaxRemembered = 100_000;

    /// <summary>Writes the day's index row for the purge unless this process already did.</summary>
    public async Task EnsureIndexedAsync(SecurityEventEntity @event, CancellationToken cancellationToken)
    {
        var day = @event.At.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture);
        if (day != _today || _indexed.Count > MaxRemembered)
        {
            _indexed.Clear();
            _today = day;
        }

        if (_indexed.ContainsKey((@event.PartitionKey, day)))
        {
            return;
        }

        await expiry.AddAsync(DueOf(@event.At.UtcDateTime.Date), ExpiryKind.Events, @event.PartitionKey, day, cancellationToken);
        _indexed.TryAdd((@event.PartitionKey, day), true);
    }

    /// <summary>
    /// Records a failed login, and <c>login_throttled</c> when that failure made back-off engage, in the
    /// account's log. For an email with no account (<paramref name="userId"/> null) the same writes, in
    /// the same shape, land on a decoy row that is overwritten, never added, so storage does not grow:
    /// the failure path must cost the same whether or not the account exists.
    /// </summary>
    public async Task RecordLoginFailureAsync(string? userId, string emailKey, bool throttled, CancellationToken cancellationToken)
    {
        var partition = userId ?? DecoyPartition(emailKey);
        var recorded = new List<SecurityEventEntity> { New(partition, SecurityEventTypes.LoginFailed) };
        if (throttled)
        {
            recorded.Add(New(partition, SecurityEventTypes.LoginThrottled));
        }

        if (userId is null)
        {
            for (var i = 0; i < recorded.Count; i++)
            {
                recorded[i].RowKey = "decoy-" + i;
            }
        }

        // The day's index row is written at every failure, account or decoy, whether or not this process
        // wrote it already today: skipping it for an account seen today (a login, a change) would tell an
        // active account from an unknown email by one write fewer. It is an upsert of the same row.
        await expiry.AddAsync(DueOf(recorded[0].At.UtcDateTime.Date), ExpiryKind.Events, partition, recorded[0].At.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture), cancellationToken);
        // The listeners hear the decoy too: a notification queued for login_throttled is queued for an
        // email without an account as well (its consumer drops it, see IsDecoy).
        await CommitAsync(
            recorded.Count == 1
                ? () => tables.Users.UpsertEntityAsync(recorded[0], TableUpdateMode.Replace, cancellationToken)
                : () => tables.Users.SubmitTransactionAsync(recorded.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken),
            recorded,
            cancellationToken);
    }

    private const string DecoyPrefix = "~decoy-";

    /// <summary>One of 16 fixed partitions for the decoy rows (the email key is hex SHA-256): spread, so none is hot.</summary>
    private static string DecoyPartition(string emailKey) => DecoyPrefix + emailKey[^1];

    /// <summary>True for the owner of a decoy event: what is done for it only stands in for the real thing, and nothing is sent.</summary>
    public static bool IsDecoy(string userId) => userId.StartsWith(DecoyPrefix, StringComparison.Ordinal);

    /// <summary>Records an event that goes with no other write.</summary>
    public async Task RecordAsync(SecurityEventEntity @event, CancellationToken cancellationToken)
    {
        await EnsureIndexedAsync(@event, cancellationToken);
        await CommitAsync(() => tables.Users.AddEntityAsync(@event, cancellationToken), @event, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="write"/>, the write that stores the event, and tells the listeners about
    /// the event at the same time, so they add no round trip to the request. A listener's failure is
    /// logged and never fails the request; listeners act only once the event is stored (they check).
    /// </summary>
    public Task CommitAsync(Func<Task> write, SecurityEventEntity @event, CancellationToken cancellationToken) =>
        CommitAsync(write, [@event], cancellationToken);

    /// <summary>
    /// Deletes one row of a user's partition (guarded by the ETag it was read with) and records
    /// <paramref name="recorded"/>, in one transaction. With <paramref name="guardUser"/> the user row's
    /// ETag joins it (a merge that changes nothing), so two removals decided on one reading of the
    /// account (each seeing the other's row as another way in) cannot both commit. False when the row or
    /// the user row changed meanwhile.
    /// </summary>
    public async Task<bool> TryDeleteRecordedAsync(TableClient table, ITableEntity row, SecurityEventEntity recorded, UserEntity? guardUser, CancellationToken cancellationToken)
    {
        await EnsureIndexedAsync(recorded, cancellationToken);
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.Delete, new TableEntity(row.PartitionKey, row.RowKey), row.ETag),
            new(TableTransactionActionType.Add, recorded),
        ];
        if (guardUser is not null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(guardUser.PartitionKey, UserEntity.Row), guardUser.ETag));
        }

        try
        {
            await CommitAsync(() => table.SubmitTransactionAsync(actions, cancellationToken), recorded, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>The same for a write that stores several events (of one user, on one day).</summary>
    public async Task CommitAsync(Func<Task> write, IReadOnlyList<SecurityEventEntity> recorded, CancellationToken cancellationToken)
    {
        var announced = Task.WhenAll(recorded.Select(e => AnnounceAsync(e, cancellationToken)));
        try
        {
            await write();
        }
        finally
        {
            await announced;
        }
    }

    private async Task AnnounceAsync(SecurityEventEntity @event, CancellationToken cancellationToken)
    {
        foreach (var listener in listeners)
        {
            try
            {
                await listener.OnRecordingAsync(@event, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogListenerFailed(logger, e, @event.Type, @event.PartitionKey);
            }
        }
    }

    [LoggerMessage(EventId = 1070, Level = LogLevel.Error, Message = "A listener failed on a {Type} event of user {UserId}; the request went on.")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string type, string userId);

    /// <summary>One page of the user's events, newest first, after the event <paramref name="before"/> if given.</summary>
    public async Task<SecurityEventPage> ListAsync(string userId, int limit, string? before, CancellationToken cancellationToken)
    {
        var from = before is null ? SecurityEventEntity.RowPrefix : SecurityEventEntity.RowPrefix + before;
        var filter = before is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey ge {from} and RowKey lt {SecurityEventEntity.RowPrefixEnd}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey gt {from} and RowKey lt {SecurityEventEntity.RowPrefixEnd}");
        var items = new List<SecurityEventEntity>(limit + 1);
        await foreach (var row in tables.Users.QueryAsync<SecurityEventEntity>(filter, maxPerPage: limit + 1, cancellationToken: cancellationToken))
        {
            items.Add(row);
            if (items.Count > limit)
            {
                break;
            }
        }

        return items.Count > limit
            ? new SecurityEventPage(items[..limit], items[limit - 1].Id)
            : new SecurityEventPage(items, null);
    }

    /// <summary>When the user's newest event of <paramref name="type"/> happened (within retention), or null.</summary>
    public async Task<DateTimeOffset?> LastOfTypeAsync(string userId, string type, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {userId} and RowKey ge {SecurityEventEntity.RowPrefix} and RowKey lt {SecurityEventEntity.RowPrefixEnd} and Type eq {type}");
        await foreach (var row in tables.Users.QueryAsync<SecurityEventEntity>(filter, maxPerPage: 1, select: [nameof(SecurityEventEntity.At)], cancellationToken: cancellationToken))
        {
            return row.At;
        }

        return null;
    }

    /// <summary>When the events of <paramref name="day"/> (UTC midnight) are past retention.</summary>
    public DateTimeOffset DueOf(DateTime day) => new DateTimeOffset(day, TimeSpan.Zero).AddDays(1) + options.Value.Retention;

    /// <summary>Deletes one user's events of one day (the purge calls this once that day is past retention).</summary>
    public async Task<int> DeleteDayAsync(string userId, string day, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(DateTime.ParseExact(day, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
        // Newest first: the day's last tick has the smallest row key.
        var low = SecurityEventEntity.RowKeyFor(start.AddDays(1).AddTicks(-1), "");
        var high = SecurityEventEntity.RowKeyFor(start, "") + "~";
        var rows = new List<TableEntity>();
        await foreach (var row in tables.Users.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey ge {low} and RowKey le {high}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(new TableEntity(userId, row.RowKey) { ETag = Azure.ETag.All });
        }

        return (await TableBatch.DeleteAsync(tables.Users, rows, cancellationToken)).Count;
    }
}
