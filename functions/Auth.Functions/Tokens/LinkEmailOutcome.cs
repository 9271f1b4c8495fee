namespace Auth.Functions.Tokens;

public enum LinkEmailOutcome
{
    Sent,
    UnknownAccount,
    NotWanted,
    AlreadySent,
    /// <summary>The account had its share of these emails: dropped (its HTTP answer was the same for all anyway).</summary>
    Throttled,
    /// <summary>The whole service had its share this minute: the request waits on its queue for the next window.</summary>
    Deferred,
    /// <summary>It waited <see cref="LinkEmails.MaxDeferrals"/> windows: it goes unanswered.</summary>
    ExpiredInBacklog,
}
