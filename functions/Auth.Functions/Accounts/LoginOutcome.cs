using Auth.Functions.Storage;

namespace Auth.Functions.Accounts;

public abstract record LoginOutcome
{
    public sealed record Success(UserEntity User, TokenEntity Token, string Key) : LoginOutcome;

    public sealed record InvalidCredentials : LoginOutcome;

    public sealed record Throttled(TimeSpan RetryAfter) : LoginOutcome;

    /// <summary>The password was right, but the address is not verified yet and verification is required.</summary>
    public sealed record EmailNotVerified : LoginOutcome;

    /// <summary>The password was right, but an admin disabled the account.</summary>
    public sealed record AccountDisabled : LoginOutcome;

    /// <summary>The password was right and a second factor is due: the ticket to send the code with.</summary>
    public sealed record MfaRequired(string Ticket, DateTimeOffset Expires) : LoginOutcome;

    /// <summary>A wrong, reused or expired code, or a ticket that is unknown, spent, expired, revoked or out of tries.</summary>
    public sealed record InvalidMfaCode : LoginOutcome;

    /// <summary>A passkey assertion that did not verify, or a ceremony that is unknown, spent or expired.</summary>
    public sealed record PasskeyNotAccepted : LoginOutcome;

    /// <summary>An exchange code that is unknown, spent, expired or revoked, or a PKCE verifier that does not answer its challenge.</summary>
    public sealed record ExternalLoginFailed : LoginOutcome;
}
