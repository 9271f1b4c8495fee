using Auth.Functions.Storage;

namespace Auth.Functions.Tokens;

/// <summary>
/// Revocation is a barrier, not a clean-up: a reset, a change-password with resetTokens and a
/// revoke-all bump the user's generation with an ETag-guarded write before they answer, and a key
/// authorised under an older generation is refused from then on, whether or not its row has been
/// deleted yet. A login stamps its session with the generation of the user row whose password it
/// verified; a key creation, with the generation of the user row read when the creating key was
/// validated. So a request authorised before the barrier can only mint keys that are already dead.
/// </summary>
public static class Revocation
{
    /// <summary>
    /// True while no revocation covers <paramref name="token"/>. The key a revocation kept is named on
    /// the user row by the same write that bumped the generation, so it never blinks out; it was
    /// valid under the row that write replaced (the write is ETag-guarded), so naming it revives nothing.
    /// </summary>
    public static bool Allows(UserEntity user, TokenEntity token) =>
        token.Generation >= user.Generation || (user.KeptTokenId is { } kept && kept == token.TokenId);

    /// <summary>Whether the account accepts keys at all: not disabled by an admin, not being erased.</summary>
    public static bool Admits(UserEntity user) => !user.IsDisabled && !user.IsDeleted;

    /// <summary>The same rule for a reset link: any revocation after it was minted (another reset included) kills it.</summary>
    public static bool Allows(UserEntity user, EmailLinkEntity reset) => reset.Generation >= user.Generation;
}
