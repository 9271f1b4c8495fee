using Auth.Functions.Events;
using Auth.Functions.Storage;
using Auth.Functions.Users;

namespace Auth.Functions.Tokens;

/// <summary>Revoke-all, and the clean-up every revocation (reset and change-password too) ends with.</summary>
public sealed partial class RevocationService(UserStore users, TokenStore tokens, ILogger<RevocationService> logger)
{
    private const int MaxConflicts = 5;

    /// <summary>
    /// Every key of the caller's user is refused once this returns <see cref="RevokeAllOutcome.Revoked"/>
    /// (but the caller's own with <paramref name="keepCaller"/>), and so is every key minted by a request
    /// authorised before it. A row that keeps changing is contention, answered as overload, not an error.
    /// </summary>
    public async Task<RevokeAllOutcome> RevokeAllAsync(Caller caller, bool keepCaller, CancellationToken cancellationToken)
    {
        var keep = keepCaller ? caller.TokenId : null;
        var user = caller.User;
        for (var attempt = 1; ; attempt++)
        {
            // ETag-guarded on the row the caller was validated against: if anything revoked it since,
            // the write fails and the caller is checked again before it may revoke (or keep) anything.
            if (await users.TryRevokeAsync(user, keep, newPasswordHash: null, SecurityEventTypes.KeysRevokedAll, caller.TokenId, cancellationToken) is { } generation)
            {
                await CleanUpAsync(user.PartitionKey, generation, keep, "revoke-all", cancellationToken);
                return RevokeAllOutcome.Revoked;
            }

            if (await users.GetAsync(caller.UserId, cancellationToken) is not { } current || !Revocation.Allows(current, caller.Token))
            {
                return RevokeAllOutcome.CallerRevoked;
            }

            if (attempt == MaxConflicts)
            {
                return RevokeAllOutcome.Contended;
            }

            user = current;
        }
    }

    /// <summary>
    /// Deletes the rows of keys a revocation covers. The barrier already refuses them, so an outage
    /// here is logged, not answered: the next revocation or the purge of expiring keys finishes it.
    /// </summary>
    public async Task CleanUpAsync(string userId, long generation, string? keptTokenId, string reason, CancellationToken cancellationToken)
    {
        try
        {
            var count = await tokens.DeleteRevokedAsync(userId, generation, keptTokenId, cancellationToken);
            TokenEvents.TokensRevoked(logger, userId, count, reason, keptTokenId);
        }
        catch (Exception e) when (StorageErrors.IsOutage(e) || e is OperationCanceledException)
        {
            LogCleanUpDeferred(logger, userId, reason, e.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 1023, Level = LogLevel.Warning,
        Message = "Keys of user {UserId} are revoked ({Reason}) but their rows could not be deleted yet ({Error}); they are refused meanwhile.")]
    private static partial void LogCleanUpDeferred(ILogger logger, string userId, string reason, string error);
}
