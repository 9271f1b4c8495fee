using Auth.Functions.Events;
using Auth.Functions.Storage;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Tokens;

/// <summary>Sessions and API keys, in their owner's partition of the users table.</summary>
public sealed class TokenStore(AuthTables tables, ExpiryIndex expiry, SecurityEvents events, TimeProvider clock)
{
    /// <summary>lastUsed is advisory; writing it on every request would double the cost of each call.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(5);

    public static string TypeName(KeyKind kind) => kind == KeyKind.Session ? "session" : "api";

    /// <summary>
    /// A session key for <paramref name="user"/> as read when its password was verified: it expires
    /// exactly <paramref name="lifetime"/> after it is created, and dies with any revocation since that read.
    /// </summary>
    /// <param name="alongside">Writes that commit with the session or not at all (a failed guard on one of them throws <see cref="TableTransactionFailedException"/>).</param>
    public Task<(TokenEntity Entity, string Key)> CreateSessionAsync(
        UserEntity user, TimeSpan lifetime, SignIn signIn, CancellationToken cancellationToken, SessionWrites? alongside = null)
    {
        var now = clock.GetUtcNow();
        return CreateAsync(user, KeyKind.Session, label: null, now, now + lifetime, signIn, alongside ?? SessionWrites.None, cancellationToken);
    }

    /// <summary>An API key for <paramref name="user"/> as read when the creating key was validated.</summary>
    public Task<(TokenEntity Entity, string Key)> CreateApiKeyAsync(UserEntity user, string label, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        CreateAsync(user, KeyKind.Api, label, clock.GetUtcNow(), expires, signIn: null, SessionWrites.None, cancellationToken);

    private async Task<(TokenEntity Entity, string Key)> CreateAsync(
        UserEntity user, KeyKind kind, string? label, DateTimeOffset created, DateTimeOffset? expires, SignIn? signIn, SessionWrites alongside,
        CancellationToken cancellationToken)
    {
        var userId = user.PartitionKey;
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
            Generation = user.Generation,
        };
        // A login is recorded as login_succeeded, a creation as key_created, in one transaction with the key.
        var recorded = kind == KeyKind.Session
            ? events.New(userId, SecurityEventTypes.LoginSucceeded, tokenId)
            : events.New(userId, SecurityEventTypes.KeyCreated, tokenId, label);
        recorded.Method = signIn?.Method;
        recorded.Mfa = signIn?.Mfa;
        // Both index rows go before what they index, together (each is skipped when not needed).
        await Task.WhenAll(
            expires is { } due
                ? expiry.AddAsync(due, kind == KeyKind.Session ? ExpiryKind.Session : ExpiryKind.ApiKey, userId, entity.RowKey, cancellationToken)
                : Task.CompletedTask,
            events.EnsureIndexedAsync(recorded, cancellationToken));
        List<TableTransactionAction> actions =
        [
            .. alongside.Actions,
            new TableTransactionAction(TableTransactionActionType.Add, entity),
            new TableTransactionAction(TableTransactionActionType.Add, recorded),
            .. alongside.Events.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)),
        ];
        await events.CommitAsync(() => tables.Users.SubmitTransactionAsync(actions, cancellationToken), [recorded, .. alongside.Events], cancellationToken);
        return (entity, key);
    }

    /// <summary>The token row the key names (one point read), or null. <see cref="IsLive"/> decides whether it counts.</summary>
    public async Task<TokenEntity?> GetAsync(ParsedKey parsed, CancellationToken cancellationToken)
    {
        var response = await tables.Users.GetEntityIfExistsAsync<TokenEntity>(
            parsed.UserId, TokenEntity.RowKeyFor(parsed.TokenId), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>The hash matches (constant time), the kind matches, it has not expired, no revocation covers it and the account admits keys.</summary>
    public bool IsLive(string key, ParsedKey parsed, TokenEntity token, UserEntity owner) =>
        Keys.Matches(key, token.KeyHash)
        && token.Type == TypeName(parsed.Kind)
        && !IsExpired(token)
        && Revocation.Allows(owner, token)
        && Revocation.Admits(owner);

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

    /// <summary>One partition query: every unexpired, unrevoked session and API key of the user.</summary>
    public async Task<List<TokenEntity>> ListLiveAsync(UserEntity user, CancellationToken cancellationToken)
    {
        var tokens = new List<TokenEntity>();
        await foreach (var token in tables.Users.QueryAsync<TokenEntity>(TokenRange(user.PartitionKey), cancellationToken: cancellationToken))
        {
            if (!IsExpired(token) && Revocation.Allows(user, token))
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    /// <summary>
    /// Deletes one token of the user, recorded as <paramref name="eventType"/> (key_revoked unless
    /// given) in the same transaction. False when the user has no such token.
    /// </summary>
    public async Task<bool> DeleteAsync(
        string userId, string tokenId, CancellationToken cancellationToken, string eventType = SecurityEventTypes.KeyRevoked, string? label = null)
    {
        var recorded = events.New(userId, eventType, tokenId, label);
        await events.EnsureIndexedAsync(recorded, cancellationToken);
        try
        {
            await events.CommitAsync(() => tables.Users.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(userId, TokenEntity.RowKeyFor(tokenId)), ETag.All),
                new TableTransactionAction(TableTransactionActionType.Add, recorded),
            ], cancellationToken), recorded, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Clean-up after a revocation to <paramref name="generation"/> (which already refuses them): one
    /// partition query, then batched deletes of the rows it covers. Keys minted under the new
    /// generation meanwhile, and the kept key, stay.
    /// </summary>
    public async Task<int> DeleteRevokedAsync(string userId, long generation, string? keptTokenId, CancellationToken cancellationToken)
    {
        var kept = keptTokenId is null ? null : TokenEntity.RowKeyFor(keptTokenId);
        var rows = new List<TableEntity>();
        await foreach (var row in tables.Users.QueryAsync<TableEntity>(
            TokenRange(userId), select: ["RowKey", nameof(TokenEntity.Generation)], cancellationToken: cancellationToken))
        {
            if (row.RowKey != kept && (row.GetInt64(nameof(TokenEntity.Generation)) ?? 0) < generation)
            {
                rows.Add(new TableEntity(userId, row.RowKey) { ETag = ETag.All });
            }
        }

        return (await TableBatch.DeleteAsync(tables.Users, rows, cancellationToken)).Count;
    }

    private static string TokenRange(string userId) => TableClient.CreateQueryFilter(
        $"PartitionKey eq {userId} and RowKey ge {TokenEntity.RowPrefix} and RowKey lt {TokenEntity.RowPrefixEnd}");
}
