using Auth.Functions.Identities;
using Auth.Functions.Passkeys;
using Auth.Functions.Storage;

namespace Auth.Functions.Accounts;

/// <summary>The ways into an account: its password, its passkeys, its linked identities.</summary>
public sealed class SignInMethods(PasskeyStore passkeys, IdentityStore identities)
{
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
