using Auth.Functions.Storage;

namespace Auth.Functions.Tokens;

/// <summary>
/// An admin key: PartitionKey = <see cref="AdminKeyStore.Partition"/> (a user id that is never issued),
/// RowKey = "adm-" + key id. Only the key's SHA-256 is stored. Revoking deletes the row.
/// </summary>
public sealed class AdminKeyEntity : TableRow
{
    public const string RowPrefix = "adm-";
    public const string RowPrefixEnd = "adm.";

    public byte[] KeyHash { get; set; } = [];
    public string Label { get; set; } = "";
    public DateTimeOffset Created { get; set; }

    public string KeyId => RowKey[RowPrefix.Length..];

    public static string RowKeyFor(string keyId) => RowPrefix + keyId;
}
