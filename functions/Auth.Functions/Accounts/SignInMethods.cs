using Auth.Functions.Identities;
using Auth.Functions.Passkeys;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;

namespace Auth.Functions.Accounts;

/// <summary>The ways into an account: its password, its passkeys, its linked identities.</summary>
public sealed class SignInMethods(PasskeyStore passkeys, IdentityStore identities, UserStore users)
{
    /// <summary>Tries to read the account again this many times when a removal's guarded write loses a race.</summary>
    private const int MaxConflicts = 3;

    /// <summary>
    /// Removes one way in (a passkey, an identity) of the caller's account, unless it is the last one of an
    /// account without a password. The check and the removal are one reading of the account: for such an
    /// account the removal's write is guarded by the user row's ETag, so two removals at once cannot
    /// leave it with none; the one that loses reads the account again and decides afresh.
    /// </summary>
    /// <param name="find">The row to remove, read afresh (null: the caller has no such thing).</param>
    /// <param name="remove">Removes it, guarded by the given user row when not null; false when something changed meanwhile.</param>
    public async Task<RemovalOutcome> RemoveAsync<T>(
        Caller caller, Func<CancellationToken, Task<T?>> find, Func<T, UserEntity?, CancellationToken, Task<bool>> remove, CancellationToken cancellationToken)
        where T : class
    {
        var user = caller.User;
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            if (await find(cancellationToken) is not { } row)
            {
                return RemovalOutcome.NotFound;
            }

            if (await OneLeftAsync(user, cancellationToken))
            {
                return RemovalOutcome.LastSignInMethod;
            }

            if (await remove(row, user.PasswordHash.Length > 0 ? null : user, cancellationToken))
            {
                return RemovalOutcome.Removed;
            }

            if (await users.GetAsync(caller.UserId, cancellationToken) is not { } reread)
            {
                return RemovalOutcome.NotFound;
            }

            user = reread;
        }

        return RemovalOutcome.NotFound;
    }

    /// <summary>
    /// Whether removing one passkey or identity would leave the account with no way in: it has no
    /// password, and that one is all it has. Read with the user row whose ETag guards the removal.
    /// </summary>
    public async Task<bool> OneLeftAsync(UserEntity user, CancellationToken cancellationToken)
    {
        if (user.PasswordHash.Length > 0)
        {
            return false;
        }

        var passkeysRead = passkeys.ListAsync(user.PartitionKey, cancellationToken);
        var identitiesRead = identities.ListAsync(user.PartitionKey, cancellationToken);
        await Task.WhenAll(passkeysRead, identitiesRead);
        return (await passkeysRead).Count + (await identitiesRead).Count <= 1;
    }
}
