using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Email;
using Auth.Functions.Http;
using Auth.Functions.Storage;
using Auth.Functions.Users;
using Microsoft.Extensions.Options;

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

/// <summary>
/// The queue workers' shared path from "email this address a link" to at most one usable link in
/// its inbox: find the account, reserve a slot under the kind's limits, mint the link (replacing an
/// earlier mint of the same request), send, mark sent. Every step is safe to repeat: a redelivered
/// message whose link was sent sends nothing; one that failed before sending takes no second slot.
/// </summary>
public sealed class LinkEmails(UserStore users, EmailLinkStore links, EmailThrottle throttle, IEmailSender sender, IOptions<PublicLinkOptions> publicLinks)
{
    /// <summary>A request waits at most this many windows of the service-wide cap (an hour), then goes unanswered.</summary>
    public const int MaxDeferrals = 60;

    public async Task<LinkEmailResult> SendAsync(LinkEmailRequest request, CancellationToken cancellationToken)
    {
        var user = await users.FindByEmailAsync(request.EmailKey, cancellationToken);
        if (user is null)
        {
            return new(LinkEmailOutcome.UnknownAccount, null);
        }

        var userId = user.PartitionKey;
        if (!request.Wanted(user))
        {
            return new(LinkEmailOutcome.NotWanted, userId);
        }

        var existing = await links.GetAsync(request.Kind, userId, request.RequestId, cancellationToken);
        if (existing is { State: not EmailLinkEntity.Pending })
        {
            return new(LinkEmailOutcome.AlreadySent, userId);
        }

        // A pending link means an earlier delivery reserved its slots and then failed: no new reservation.
        if (existing is null)
        {
            var reservation = await throttle.TryReserveAsync(request.Limits, request.EmailKey, cancellationToken);
            switch (reservation.Slot)
            {
                case EmailSlot.AccountLimit:
                    return new(LinkEmailOutcome.Throttled, userId);
                case EmailSlot.GlobalLimit when request.Deferrals < MaxDeferrals:
                    // Not this request's fault: it waits for the next window instead of being lost.
                    await request.Requeue(reservation.RetryAfter);
                    return new(LinkEmailOutcome.Deferred, userId);
                case EmailSlot.GlobalLimit:
                    return new(LinkEmailOutcome.ExpiredInBacklog, userId);
            }
        }

        if (await links.MintAsync(request.Kind, user, request.RequestId, request.Lifetime, cancellationToken) is not { } minted)
        {
            return new(LinkEmailOutcome.AlreadySent, userId);
        }

        // One idempotency key per minted link: a provider-side retry of this send is deduplicated,
        // while a later redelivery (which minted a new link) is a new email.
        var idempotencyKey = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.RequestId}:{minted.Entity.Mints}")).AsSpan(0, 16));
        var link = publicLinks.Value.Link(request.PageRoute, minted.Token);
        await sender.SendAsync(request.Compose(user.Email, link, request.Lifetime, idempotencyKey), cancellationToken);
        await links.MarkSentAsync(minted.Entity, cancellationToken);
        return new(LinkEmailOutcome.Sent, userId);
    }
}
