namespace Auth.Functions.Tokens;

/// <summary>What became of one link-email request, and whose account it was.</summary>
/// <param name="UserId">The account's id, once found (for the log).</param>
public readonly record struct LinkEmailResult(LinkEmailOutcome Outcome, string? UserId)
{
    /// <summary>How the outcome reads in logs.</summary>
    public string Name => Outcome switch
    {
        LinkEmailOutcome.Sent => "sent",
        LinkEmailOutcome.UnknownAccount => "unknown-account",
        LinkEmailOutcome.NotWanted => "not-needed",
        LinkEmailOutcome.AlreadySent => "already-sent",
        LinkEmailOutcome.Throttled => "throttled",
        LinkEmailOutcome.Deferred => "deferred",
        _ => "expired-in-backlog",
    };
}
