using System.Globalization;
using Auth.Functions.Storage;

namespace Auth.Functions.Events;

/// <summary>
/// One security event of a user, in the user's partition of the users table (so it can share a
/// transaction with the change it records). RowKey = <c>evt-</c> + inverted ticks + 8 random hex
/// digits (events of one instant do not collide): ascending row keys are newest first, and the part
/// after the prefix is the event's id.
/// </summary>
public sealed class SecurityEventEntity : TableRow
{
    public const string RowPrefix = "evt-";
    public const string RowPrefixEnd = "evt.";

    public string Type { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public string? TokenId { get; set; }
    public string? Label { get; set; }

    /// <summary>For <c>login_succeeded</c>: how the first factor was proven (<c>password</c>, …).</summary>
    public string? Method { get; set; }

    /// <summary>For <c>login_succeeded</c>: whether a second factor was proven too.</summary>
    public bool? Mfa { get; set; }

    /// <summary>In the admin audit log: the user the call concerned, if any.</summary>
    public string? Subject { get; set; }

    /// <summary>Set once the account has been emailed about this event (notifications).</summary>
    public bool? Notified { get; set; }

    public string Id => RowKey[RowPrefix.Length..];

    /// <summary>The row key of an event at <paramref name="at"/>: later instants sort first.</summary>
    public static string RowKeyFor(DateTimeOffset at, string suffix) =>
        RowPrefix + (DateTime.MaxValue.Ticks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + suffix;

    /// <summary>An event id as clients send it back (<c>before=</c>): 19 digits and 8 hex digits.</summary>
    public static bool IsValidId([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id) =>
        id is { Length: 27 } && id.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0 && id.AsSpan(19).IndexOfAnyExcept(LowerHex) < 0;

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");
}
