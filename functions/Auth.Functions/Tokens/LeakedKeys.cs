using Auth.Functions.Events;
using Auth.Functions.Users;

namespace Auth.Functions.Tokens;

/// <summary>
/// Revokes keys that someone found exposed (a secret scanner, a user). Anyone holding a key could
/// use it, so letting them revoke it grants nothing. Keys whose checksum fails are dropped before
/// any storage read; each live session or API key is deleted, with a key_reported_leaked event in
/// its owner's log, in one transaction.
/// </summary>
public sealed partial class LeakedKeys(TokenStore tokens, UserStore users, AdminKeyStore adminKeys, ILogger<LeakedKeys> logger)
{
    public const int MaxKeys = 100;
    private const int Concurrency = 8;

    /// <summary>Returns how many keys were live and are now revoked (for the log only: the caller's answer never depends on it).</summary>
    public async Task<int> RevokeAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        var candidates = keys
            .Select(k => k.Trim())
            .Distinct(StringComparer.Ordinal)
            .Select(k => (Key: k, Ok: Keys.TryParse(k, out var parsed), Parsed: parsed))
            .Where(c => c.Ok && (Keys.IsBearer(c.Parsed.Kind) || c.Parsed.Kind == KeyKind.Admin))
            .ToList();
        var revoked = 0;
        await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (candidate, ct) =>
        {
            if (candidate.Parsed.Kind == KeyKind.Admin)
            {
                // A leaked admin key is revoked too (its audit trail keeps its id).
                if (await adminKeys.AuthenticateAsync(candidate.Key, ct) is { } admin && await adminKeys.RevokeAsync(admin.KeyId, ct))
                {
                    Interlocked.Increment(ref revoked);
                    LogAdminKeyRevoked(logger, admin.KeyId);
                }

                return;
            }

            var tokenRead = tokens.GetAsync(candidate.Parsed, ct);
            var ownerRead = users.GetAsync(candidate.Parsed.UserId, ct);
            await Task.WhenAll(tokenRead, ownerRead);
            if (await tokenRead is { } token && await ownerRead is { } owner && tokens.IsLive(candidate.Key, candidate.Parsed, token, owner)
                && await tokens.DeleteAsync(owner.PartitionKey, token.TokenId, ct, SecurityEventTypes.KeyReportedLeaked, token.Label))
            {
                Interlocked.Increment(ref revoked);
                LogRevoked(logger, owner.PartitionKey, token.TokenId);
            }
        });
        return revoked;
    }

    [LoggerMessage(EventId = 1024, Level = LogLevel.Warning, Message = "Admin key {KeyId} reported as leaked and revoked.")]
    private static partial void LogAdminKeyRevoked(ILogger logger, string keyId);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Warning, Message = "Token {TokenId} of user {UserId} reported as leaked and revoked.")]
    private static partial void LogRevoked(ILogger logger, string userId, string tokenId);
}
