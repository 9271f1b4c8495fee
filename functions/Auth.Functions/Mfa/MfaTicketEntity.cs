using Auth.Functions.Storage;

namespace Auth.Functions.Mfa;

/// <summary>
/// A login whose password verified, waiting for its second factor: PartitionKey = user id, RowKey =
/// "tkt-" + ticket id. Only the hash of the ticket is stored. It dies when used, at its expiry, after
/// <see cref="MfaOptions.TicketMaxFailures"/> wrong codes, and with any revocation after it was issued.
/// </summary>
public sealed class MfaTicketEntity : TableRow
{
    public const string RowPrefix = "tkt-";

    public byte[] KeyHash { get; set; } = [];
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Expires { get; set; }

    /// <summary>The user's generation when the password was verified.</summary>
    public long Generation { get; set; }

    public int Failures { get; set; }

    /// <summary>The client network of the login (its failed-login count is cleared when the ticket is used).</summary>
    public string Network { get; set; } = "";

    /// <summary>How the first factor was proven (<c>password</c>, <c>external:{provider}</c>; null: password), for the session's event.</summary>
    public string? Method { get; set; }

    public static string RowKeyFor(string ticketId) => RowPrefix + ticketId;
}
