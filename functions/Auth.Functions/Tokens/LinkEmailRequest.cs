using Auth.Functions.Email;
using Auth.Functions.Storage;

namespace Auth.Functions.Tokens;

/// <summary>One queued request for a link email (a reset or a verification), as its feature describes it.</summary>
/// <param name="Wanted">Whether the account still needs the link (false: nothing is sent).</param>
/// <param name="Compose">The email: to, link, how long it works, idempotency key.</param>
/// <param name="Deferrals">How many times this request already waited for the service-wide cap.</param>
/// <param name="Requeue">Puts the request back on its queue, one more deferral, hidden for the given time.</param>
public sealed record LinkEmailRequest(
    EmailLinkKind Kind,
    string EmailKey,
    string RequestId,
    EmailLimits Limits,
    TimeSpan Lifetime,
    string PageRoute,
    Func<UserEntity, bool> Wanted,
    Func<string, string, TimeSpan, Guid, EmailMessage> Compose,
    int Deferrals,
    Func<TimeSpan, Task> Requeue);
