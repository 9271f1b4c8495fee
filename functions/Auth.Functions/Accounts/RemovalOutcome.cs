namespace Auth.Functions.Accounts;

/// <summary>What removing a way to sign in (a passkey, a linked identity) came to.</summary>
public enum RemovalOutcome
{
    Removed,
    NotFound,

    /// <summary>It is the only way left into an account without a password.</summary>
    LastSignInMethod,
}
