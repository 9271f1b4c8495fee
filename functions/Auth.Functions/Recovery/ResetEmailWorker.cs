using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Auth.Functions.Accounts;
using Auth.Functions.Email;
using Auth.Functions.Http;
using Auth.Functions.Tokens;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Recovery;

/// <summary>
/// The SendResetEmail function: one queued reset request in, at most one usable reset link out.
/// Unknown accounts and throttled requests are dropped (the HTTP answer was the same for all of
/// them already); a failure throws, so the message is retried and finally poisoned.
/// </summary>
public sealed partial class ResetEmailWorker(
    UserStore users,
    ResetTokenStore resets,
    ResetEmailThrottle throttle,
    IEmailSender sender,
    IOptions<RecoveryOptions> options,
    ILogger<ResetEmailWorker> logger)
{
    public const string FunctionName = "SendResetEmail";

    public async Task<string> HandleAsync(string messageText, CancellationToken cancellationToken)
    {
        ResetRequestMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(messageText, AppJsonContext.Default.ResetRequestMessage);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null || !Keys.IsValidId(message.RequestId) || message.EmailKey is not { Length: 64 } || !message.EmailKey.All(char.IsAsciiHexDigitLower))
        {
            // Retrying cannot fix it: drop it, loudly.
            LogMalformed(logger);
            return "malformed";
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

        // A pending token means an earlier delivery reserved its slot and then failed: no new reservation.
        if (existing is null && !await throttle.TryReserveAsync(message.EmailKey, cancellationToken))
        {
            LogOutcome(logger, message.RequestId, user.PartitionKey, "throttled");
            return "throttled";
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
        var email = ResetEmail.Create(user.Email, user.DisplayName, settings.ResetLink(minted.Token), settings.TokenLifetime, idempotencyKey);
        await sender.SendAsync(email, cancellationToken);
        await resets.MarkSentAsync(minted.Entity, cancellationToken);
        LogOutcome(logger, message.RequestId, user.PartitionKey, "sent");
        return "sent";
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "Reset request {RequestId} for user {UserId}: {Outcome}.")]
    private static partial void LogOutcome(ILogger logger, string requestId, string userId, string outcome);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Error, Message = "A password-reset queue message was malformed and was dropped.")]
    private static partial void LogMalformed(ILogger logger);
}
