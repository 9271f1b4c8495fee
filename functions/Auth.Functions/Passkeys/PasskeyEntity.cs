using System.Runtime.Serialization;
using Auth.Functions.Storage;

namespace Auth.Functions.Passkeys;

/// <summary>
/// A passkey: PartitionKey = its user's id, RowKey = "pk-" + its id, where the id is derived from the
/// credential id. A sign-in's assertion names both (the user handle and the credential id), so finding
/// the credential is one point read; and the row is in the partition that erasure empties.
/// </summary>
public sealed class PasskeyEntity : TableRow
{
    public const string RowPrefix = "pk-";
    public const string RowPrefixEnd = "pk."; // '.' sorts right after '-': the range holds exactly the passkeys.

    /// <summary>The credential id the authenticator chose (up to 1023 bytes).</summary>
    public byte[] CredentialId { get; set; } = [];

    /// <summary>The COSE public key: what the signatures are checked against. Never shown.</summary>
    public byte[] PublicKey { get; set; } = [];

    /// <summary>The authenticator's signature counter as last seen (0: it keeps none).</summary>
    public long SignCount { get; set; }

    public string? Label { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset? LastUsed { get; set; }

    /// <summary>The authenticator may sync the credential (the BE flag at registration).</summary>
    public bool BackupEligible { get; set; }

    /// <summary>The credential is synced (the BS flag, as of the last use).</summary>
    public bool BackedUp { get; set; }

    /// <summary>How the browser can reach the authenticator, comma-separated (<c>internal,hybrid</c>).</summary>
    public string Transports { get; set; } = "";

    /// <summary>The authenticator model's AAGUID (zeros for attestation "none" from most platforms).</summary>
    public string? AaGuid { get; set; }

    [IgnoreDataMember] // Derived from the RowKey: not a column.
    public string PasskeyId => RowKey[RowPrefix.Length..];

    public static string RowKeyFor(string passkeyId) => RowPrefix + passkeyId;
}
