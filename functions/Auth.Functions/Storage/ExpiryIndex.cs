using System.Globalization;
using Azure.Data.Tables;

namespace Auth.Functions.Storage;

/// <summary>What an expiry-index row points at.</summary>
public enum ExpiryKind
{
    /// <summary>A session or API key with an expiry, indexed before the kinds below existed: read to be told apart.</summary>
    Token,
    /// <summary>A session key (users table). Its expiry never changes.</summary>
    Session,
    /// <summary>An API key with an expiry (users table). Its expiry never changes.</summary>
    ApiKey,
    /// <summary>A reset link (users table).</summary>
    Reset,
    /// <summary>An email index row to check for a missing user (emails table).</summary>
    EmailIndex,
    /// <summary>A failed-login or reset-email counter (throttles table).</summary>
    Throttle,
    /// <summary>One day of one user's security events (users table); the row names the day.</summary>
    Events,
    /// <summary>An email-verification link (users table).</summary>
    Verification,
    /// <summary>An account to erase if its address is still unverified (users table); the row names nothing.</summary>
    UnverifiedAccount,
    /// <summary>A second-factor ticket (users table). Its expiry never changes.</summary>
    MfaTicket,
    /// <summary>An account being erased (users table): the purge finishes what the erasure left, and sweeps its partition once more.</summary>
    Erasure,
    /// <summary>A begun passkey ceremony (users table). Its expiry never changes.</summary>
    PasskeyCeremony,
    /// <summary>A begun external sign-in, or the code it handed the app (users table). Their expiry never changes.</summary>
    ExternalLogin,
}

/// <summary>
/// Writes expiry-index rows. Each is written <em>before</em> the thing it points at, so a crash in
/// between leaves at most an index row pointing at nothing, which the purge simply drops.
/// </summary>
public sealed class ExpiryIndex(AuthTables tables)
{
    public const string BucketFormat = "yyyyMMddHH";

    public static string BucketOf(DateTimeOffset due) => due.UtcDateTime.ToString(BucketFormat, CultureInfo.InvariantCulture);

    public static string RowKeyOf(ExpiryKind kind, string partition, string row) => $"{Code(kind)}_{partition}_{row}";

    public static (ExpiryKind Kind, string Partition, string Row) Parse(string rowKey)
    {
        var parts = rowKey.Split('_', 3);
        var kind = parts[0] switch
        {
            "tok" => ExpiryKind.Token,
            "ses" => ExpiryKind.Session,
            "api" => ExpiryKind.ApiKey,
            "rst" => ExpiryKind.Reset,
            "eml" => ExpiryKind.EmailIndex,
            "thr" => ExpiryKind.Throttle,
            "evt" => ExpiryKind.Events,
            "vfy" => ExpiryKind.Verification,
            "unv" => ExpiryKind.UnverifiedAccount,
            "mft" => ExpiryKind.MfaTicket,
            "era" => ExpiryKind.Erasure,
            "pkc" => ExpiryKind.PasskeyCeremony,
            "xlg" => ExpiryKind.ExternalLogin,
            _ => throw new FormatException($"Unknown expiry kind in '{rowKey}'."),
        };
        return (kind, parts[1], parts[2]);
    }

    public async Task AddAsync(DateTimeOffset due, ExpiryKind kind, string partition, string row, CancellationToken cancellationToken)
    {
        var entity = new ExpiryEntity { PartitionKey = BucketOf(due), RowKey = RowKeyOf(kind, partition, row) };
        // Upsert: a retried write, or a re-mint of the same reset request, lands on the same row.
        await tables.Expiry.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Several rows of one partition due at the same time: one request (a transaction of upserts).</summary>
    public async Task AddAsync(DateTimeOffset due, ExpiryKind kind, string partition, IReadOnlyList<string> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 1)
        {
            await AddAsync(due, kind, partition, rows[0], cancellationToken);
            return;
        }

        var bucket = BucketOf(due);
        await tables.Expiry.SubmitTransactionAsync(
            rows.Select(row => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace, new ExpiryEntity { PartitionKey = bucket, RowKey = RowKeyOf(kind, partition, row) })),
            cancellationToken);
    }

    private static string Code(ExpiryKind kind) => kind switch
    {
        ExpiryKind.Token => "tok",
        ExpiryKind.Session => "ses",
        ExpiryKind.ApiKey => "api",
        ExpiryKind.Reset => "rst",
        ExpiryKind.EmailIndex => "eml",
        ExpiryKind.Events => "evt",
        ExpiryKind.Verification => "vfy",
        ExpiryKind.UnverifiedAccount => "unv",
        ExpiryKind.MfaTicket => "mft",
        ExpiryKind.Erasure => "era",
        ExpiryKind.PasskeyCeremony => "pkc",
        ExpiryKind.ExternalLogin => "xlg",
        _ => "thr",
    };
}
