using Auth.Functions.Storage;

namespace Auth.Functions.Passkeys;

/// <summary>
/// A begun ceremony: the options (with their challenge) sent to the browser, kept until the browser's
/// answer comes back, so any instance can finish it. RowKey = "pkc-" + its id; a registration lives in
/// its user's partition (finishing it adds the passkey in the same transaction that spends it), a sign-in
/// in a partition of its own ("pkl-" + a random id), since nobody is known yet. Only the hash of the
/// ceremony key is stored; spending is an ETag-guarded delete, so of two finishes one wins.
/// </summary>
public sealed class PasskeyCeremonyEntity : TableRow
{
    public const string RowPrefix = "pkc-";
    public const string LoginPartitionPrefix = "pkl-";

    public byte[] KeyHash { get; set; } = [];

    /// <summary>The options as Fido2 wrote them (JSON): the challenge, the relying party, what was required.</summary>
    public string Options { get; set; } = "";

    /// <summary>The label a registration was begun with.</summary>
    public string? Label { get; set; }

    public DateTimeOffset Expires { get; set; }

    public static string RowKeyFor(string ceremonyId) => RowPrefix + ceremonyId;
}
