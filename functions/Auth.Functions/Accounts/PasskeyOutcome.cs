using Auth.Functions.Passkeys;

namespace Auth.Functions.Accounts;

/// <summary>What a passkey change of a signed-in user came to (a sign-in answers with <see cref="LoginOutcome"/>).</summary>
public abstract record PasskeyOutcome
{
    public sealed record Added(PasskeyEntity Passkey) : PasskeyOutcome;

    /// <summary>A ceremony to add a passkey, begun.</summary>
    public sealed record Begun(string Ceremony, string Options) : PasskeyOutcome;

    /// <summary>Adding a passkey needs a recent sign-in: a session key younger than the registration window.</summary>
    public sealed record SignInAgain : PasskeyOutcome;

    public sealed record Removed : PasskeyOutcome;

    public sealed record NotFound : PasskeyOutcome;

    /// <summary>It did not verify, or the ceremony is unknown, spent or expired.</summary>
    public sealed record NotAccepted : PasskeyOutcome;

    /// <summary>The only passkey of an account with no other way to sign in.</summary>
    public sealed record LastSignInMethod : PasskeyOutcome;
}
