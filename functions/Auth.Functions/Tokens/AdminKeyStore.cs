using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Tokens;

/// <summary>
/// Admin keys (<c>afs_admin_…</c>), minted only by the app's own executable (<c>admin create-key</c>),
/// never over HTTP. They live in one partition of the users table whose id no user ever gets (issued
/// ids are random GUIDs; this one is all zeros), beside the admin audit log. Checking one is one
/// point read; nothing is cached, so a revoked key is refused at once everywhere.
/// </summary>
public sealed class AdminKeyStore(AuthTables tables, TimeProvider clock)
{
    public const string Partition = "00000000000000000000000000000000";

    public async Task<(AdminKeyEntity Entity, string Key)> CreateAsync(string label, CancellationToken cancellationToken)
    {
        var keyId = Keys.NewId();
        var key = Keys.Create(KeyKind.Admin, Partition, keyId);
        var entity = new AdminKeyEntity
        {
            PartitionKey = Partition,
            RowKey = AdminKeyEntity.RowKeyFor(keyId),
            KeyHash = Keys.Hash(key),
            Label = label,
            Created = clock.GetUtcNow(),
        };
        await tables.Users.AddEntityAsync(entity, cancellationToken);
        return (entity, key);
    }

    public async Task<List<AdminKeyEntity>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new List<AdminKeyEntity>();
        await foreach (var key in tables.Users.QueryAsync<AdminKeyEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {AdminKeyEntity.RowPrefix} and RowKey lt {AdminKeyEntity.RowPrefixEnd}"),
            cancellationToken: cancellationToken))
        {
            keys.Add(key);
        }

        return keys;
    }

    /// <summary>Deletes the key; false when there is none with this id.</summary>
    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        // The client answers a delete of a missing row without an exception: its status says it.
        var response = await tables.Users.DeleteEntityAsync(Partition, AdminKeyEntity.RowKeyFor(keyId), ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>The live admin key this is (one point read), or null. Junk and other kinds cost no read.</summary>
    public async Task<AdminKeyEntity?> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        if (!Keys.TryParse(key, out var parsed) || parsed.Kind != KeyKind.Admin || parsed.UserId != Partition)
        {
            return null;
        }

        var found = await tables.Users.GetEntityIfExistsAsync<AdminKeyEntity>(Partition, AdminKeyEntity.RowKeyFor(parsed.TokenId), cancellationToken: cancellationToken);
        return found.HasValue && Keys.Matches(key, found.Value!.KeyHash) ? found.Value : null;
    }
}
