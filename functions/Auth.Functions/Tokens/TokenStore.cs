using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Tokens;

/// <summary>Sessions and API keys, in their owner's partition of the users table.</summary>
public sealed class TokenStore(AuthTables tables, ExpiryIndex expiry, TimeProvider clock)
{
    /// <summary>lastUsed is advisory; writing it on every request would double the cost of each call.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(5);

    public static string TypeName(KeyKind kind) => kind == KeyKind.Session ? "session" : "api";

    /// <summary>A session key: expires exactly <paramref name="lifetime"/> after it is created.</summary>
    public Task<(TokenEntity Entity, string Key)> CreateSessionAsync(string userId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return CreateAsync(userId, KeyKind.Session, label: null, now, now + lifetime, cancellationToken);
    }

    public Task<(TokenEntity Entity, string Key)> CreateApiKeyAsync(string userId, string label, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        CreateAsync(userId, KeyKind.Api, label, clock.GetUtcNow(), expires, cancellationToken);

    private async Task<(TokenEntity Entity, string Key)> CreateAsync(
        string userId, KeyKind kind, string? label, DateTimeOffset created, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        var tokenId = Keys.NewId();
        var key = Keys.Create(kind, userId, tokenId);
        var entity = new TokenEntity
        {
            PartitionKey = userId,
            RowKey = TokenEntity.RowKeyFor(tokenId),
            Type = TypeName(kind),
            Label = label,
            KeyHash = Keys.Hash(key),
            Created = created,
            Expires = expires,
        };
        if (expires is { } due)
        {
            await expiry.AddAsync(due, ExpiryKind.Token, userId, entity.RowKey, cancellationToken);
        }

        await tables.Users.AddEntityAsync(entity, cancellationToken);
        return (entity, key);
    }

    /// <summary>One point read. Only a live (unexpired) token whose hash matches is returned.</summary>
    public async Task<TokenEntity?> FindLiveAsync(string key, ParsedKey parsed, CancellationToken cancellationToken)
    {
        var response = await tables.Users.GetEntityIfExistsAsync<TokenEntity>(
            parsed.UserId, TokenEntity.RowKeyFor(parsed.TokenId), cancellationToken: cancellationToken);
        if (!response.HasValue)
        {
            return null;
        }

        var token = response.Value!;
        var live = Keys.Matches(key, token.KeyHash)
            && token.Type == TypeName(parsed.Kind)
            && !IsExpired(token);
        return live ? token : null;
    }

    public bool IsExpired(TokenEntity token) => token.Expires is { } expires && clock.GetUtcNow() >= expires;

    /// <summary>Records use at coarse resolution. Never resurrects a token deleted meanwhile (update, not upsert).</summary>
    public async Task TouchAsync(TokenEntity token, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (token.LastUsed is { } last && now - last < LastUsedResolution)
        {
            return;
        }

        token.LastUsed = now;
        try
        {
            var update = new TableEntity(token.PartitionKey, token.RowKey) { [nameof(TokenEntity.LastUsed)] = now };
            await tables.Users.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (StorageErrors.IsNotFound(e))
        {
            // Revoked meanwhile; the next use gets 401.
        }
    }

    /// <summary>One partition query: every unexpired session and API key of the user.</summary>
    public async Task<List<TokenEntity>> ListLiveAsync(string userId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {userId} and RowKey ge {TokenEntity.RowPrefix} and RowKey lt {TokenEntity.RowPrefixEnd}");
        var tokens = new List<TokenEntity>();
        await foreach (var token in tables.Users.QueryAsync<TokenEntity>(filter, cancellationToken: cancellationToken))
        {
            if (!IsExpired(token))
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    /// <summary>Deletes one token of the user. False when the user has no such token.</summary>
    public async Task<bool> DeleteAsync(string userId, string tokenId, CancellationToken cancellationToken)
    {
        var response = await tables.Users.DeleteEntityAsync(userId, TokenEntity.RowKeyFor(tokenId), ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>Revokes every token of the user but <paramref name="keepTokenId"/>: one partition query, then batched deletes.</summary>
    public async Task<int> DeleteAllAsync(string userId, string? keepTokenId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {userId} and RowKey ge {TokenEntity.RowPrefix} and RowKey lt {TokenEntity.RowPrefixEnd}");
        var keep = keepTokenId is null ? null : TokenEntity.RowKeyFor(keepTokenId);
        var rows = new List<TableEntity>();
        await foreach (var row in tables.Users.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (row.RowKey != keep)
            {
                rows.Add(new TableEntity(userId, row.RowKey) { ETag = ETag.All });
            }
        }

        return (await TableBatch.DeleteAsync(tables.Users, rows, cancellationToken)).Count;
    }
}
