using System.Runtime.Serialization;
using Auth.Functions.Storage;

namespace Auth.Functions.Identities;

/// <summary>
/// A linked external identity: PartitionKey = its user's id, RowKey = "idn-" + its id (derived from the
/// provider and subject). The (provider, subject) → account lookup is <see cref="IdentityIndexEntity"/>.
/// </summary>
public sealed class IdentityEntity : TableRow
{
    public const string RowPrefix = "idn-";
    public const string RowPrefixEnd = "idn.";

    public string Provider { get; set; } = "";
    public string Subject { get; set; } = "";

    /// <summary>The email the provider gave when the identity was linked (shown to the owner; never used to sign in).</summary>
    public string? Email { get; set; }

    public DateTimeOffset Linked { get; set; }

    [IgnoreDataMember]
    public string IdentityId => RowKey[RowPrefix.Length..];

    public static string RowKeyFor(string identityId) => RowPrefix + identityId;
}
