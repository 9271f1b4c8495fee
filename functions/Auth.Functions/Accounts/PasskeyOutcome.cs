using Auth.Functions.Passkeys;

namespace Auth.Functions.Accounts;

/// <summary>What adding a passkey came to (a sign-in answers with <see cref="LoginOutcome"/>, a removal with <see cref="RemovalOutcome"/>).</summary>
public abstract record PasskeyOutcome
{
    public sealed record Added(PasskeyEntity Passkey) : PasskeyOutcome;

    /// <summary>A ceremony to add a passkey, begun.</summary>
    public sealed record Begun(string Ceremony, string Options) : PasskeyOutcome;

    /// <summary>Adding a passkey needs a recent sign-in: a session key younger than the registration window.</summary>
    public sealed record SignInAgain : PasskeyOutcome;

    /// <summary>It did not verify, or the ceremony is unknown, spent or expired.</summary>
    public sealed record NotAccepted : PasskeyOutcome;
}
