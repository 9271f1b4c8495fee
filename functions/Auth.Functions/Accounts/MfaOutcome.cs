namespace Auth.Functions.Accounts;

/// <summary>What a change to a user's second factor came to.</summary>
public abstract record MfaOutcome
{
    /// <summary>An enrolment begun: what the authenticator app needs.</summary>
    public sealed record Started(string Secret, string OtpauthUri, string QrSvg) : MfaOutcome;

    /// <summary>The factor is on, or its codes were replaced: the new recovery codes, shown this once.</summary>
    public sealed record RecoveryCodesIssued(string[] Codes) : MfaOutcome;

    public sealed record Disabled : MfaOutcome;

    public sealed record AlreadyEnabled : MfaOutcome;

    public sealed record NotEnabled : MfaOutcome;

    /// <summary>The current password was missing or wrong.</summary>
    public sealed record ReauthenticationRequired : MfaOutcome;

    public sealed record InvalidCode : MfaOutcome;

    public sealed record Throttled(TimeSpan RetryAfter) : MfaOutcome;
}
