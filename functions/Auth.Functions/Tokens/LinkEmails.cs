using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Email;
using Auth.Functions.Http;
using Auth.Functions.Storage;
using Auth.Functions.Users;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Tokens;

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
