using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Auth.Functions.Accounts;
using Auth.Functions.Email;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Recovery;

/// <summary>
/// The SendResetEmail function: one queued reset request in, at most one usable reset link out.
/// Unknown accounts and requests over an account's limits are dropped (the HTTP answer was the same for all of
/// them already); a failure throws, so the message is retried and finally poisoned.
/// </summary>
public sealed partial class ResetEmailWorker(
    UserStore users,
    ResetTokenStore resets,
    ResetEmailThrottle throttle,
    IEmailSender sender,
    ResetQueue queue,
    IOptions<RecoveryOptions> options,
    ILogger<ResetEmailWorker> logger)
{
    public const string FunctionName = "SendResetEmail";

    /// <summary>A request waits at most this many windows of the service-wide cap (an hour), then goes unanswered.</summary>
    public const int MaxDeferrals = 60;

    public async Task<string> HandleAsync(string messageText, CancellationToken cancellationToken)
    {
        ResetRequestMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(messageText, RecoveryJsonContext.Default.ResetRequestMessage);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null || !Keys.IsValidId(message.RequestId) || message.EmailKey is not { Length: 64 } || !message.EmailKey.All(char.IsAsciiHexDigitLower))
        {
            // Fails the invocation: retried, then moved to the poison queue where an operator sees it.
            // Nothing is dropped silently.
            throw new FormatException("A password-reset queue message was malformed.");
        }

        return await ProcessAsync(message, cancellationToken);
    }

    public async Task<string> ProcessAsync(ResetRequestMessage message, CancellationToken cancellationToken)
    {
        var user = await users.FindByEmailAsync(message.EmailKey, cancellationToken);
        if (user is null)
        {
            LogOutcome(logger, message.RequestId, AuthEvents.UnknownUser, "unknown-account");
            return "unknown-account";
        }

        var existing = await resets.GetAsync(user.PartitionKey, message.RequestId, cancellationToken);
        if (existing is { State: not Storage.ResetTokenEntity.Pending })
        {
            LogOutcome(logger, message.RequestId, user.PartitionKey, "already-sent");
            return "already-sent";
        }

        // A pending token means an earlier delivery reserved its slots and then failed: no new reservation.
        var reservation = existing is null
            ? await throttle.TryReserveAsync(message.EmailKey, cancellationToken)
            : new ResetEmailReservation(ResetEmailSlot.Reserved, TimeSpan.Zero);
        switch (reservation.Slot)
        {
            case ResetEmailSlot.AccountLimit:
                LogOutcome(logger, message.RequestId, user.PartitionKey, "throttled");
                return "throttled";
            case ResetEmailSlot.GlobalLimit when message.Deferrals < MaxDeferrals:
                // Not this request's fault: it waits for the next window instead of being lost.
                await queue.EnqueueAsync(message with { Deferrals = message.Deferrals + 1 }, cancellationToken, reservation.RetryAfter);
                LogOutcome(logger, message.RequestId, user.PartitionKey, "deferred");
                return "deferred";
            case ResetEmailSlot.GlobalLimit:
                LogOutcome(logger, message.RequestId, user.PartitionKey, "expired-in-backlog");
                return "expired-in-backlog";
        }

        var settings = options.Value;
        if (await resets.MintAsync(user, message.RequestId, settings.TokenLifetime, cancellationToken) is not { } minted)
        {
            LogOutcome(logger, message.RequestId, user.PartitionKey, "already-sent");
            return "already-sent";
        }

        // One idempotency key per minted link: a provider-side retry of this send is deduplicated,
        // while a later redelivery (which minted a new link) is a new email.
        var idempotencyKey = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{message.RequestId}:{minted.Entity.Mints}")).AsSpan(0, 16));
        var email = ResetEmail.Create(user.Email, settings.ResetLink(minted.Token), settings.TokenLifetime, idempotencyKey);
        await sender.SendAsync(email, cancellationToken);
        await resets.MarkSentAsync(minted.Entity, cancellationToken);
        LogOutcome(logger, message.RequestId, user.PartitionKey, "sent");
        return "sent";
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "Reset request {RequestId} for user {UserId}: {Outcome}.")]
    private static partial void LogOutcome(ILogger logger, string requestId, string userId, string outcome);
}
