using System.Text.Json;
using Auth.Functions.Accounts;
using Auth.Functions.Http;
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
    LinkEmails links,
    ResetQueue queue,
    IOptions<RecoveryOptions> options,
    ILogger<ResetEmailWorker> logger)
{
    public const string FunctionName = "SendResetEmail";

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

        if (message is null || !Keys.IsValidId(message.RequestId) || !EmailAddress.IsKey(message.EmailKey))
        {
            // Fails the invocation: retried, then moved to the poison queue where an operator sees it.
            // Nothing is dropped silently.
            throw new FormatException("A password-reset queue message was malformed.");
        }

        return await ProcessAsync(message, cancellationToken);
    }

    public async Task<string> ProcessAsync(ResetRequestMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var result = await links.SendAsync(
            new LinkEmailRequest(EmailLinkKind.Reset, message.EmailKey, message.RequestId, settings.Limits, settings.TokenLifetime,
                Routes.ResetPasswordPage, Wanted: _ => true, ResetEmail.Create, message.Deferrals,
                Requeue: delay => queue.EnqueueAsync(message with { Deferrals = message.Deferrals + 1 }, cancellationToken, delay)),
            cancellationToken);
        LogOutcome(logger, message.RequestId, result.UserId ?? AuthEvents.UnknownUser, result.Name);
        return result.Name;
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "Reset request {RequestId} for user {UserId}: {Outcome}.")]
    private static partial void LogOutcome(ILogger logger, string requestId, string userId, string outcome);
}
