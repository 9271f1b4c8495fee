using Auth.Functions.Http;
using Auth.Functions.Notifications;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Verification;

/// <summary>
/// Verification emails: asked for on the <c>account-email</c> queue (by registration and by
/// ResendVerification), sent by SendAccountEmail through the same path as reset links, to accounts
/// that are still unverified, within the <c>EmailVerification__…</c> limits.
/// </summary>
public sealed partial class VerificationEmails(
    LinkEmails links, AccountEmailQueue queue, IOptions<VerificationOptions> options, ILogger<VerificationEmails> logger) : IAccountEmailKind
{
    public const string Kind = "verify-email";

    public string Name => Kind;

    /// <summary>Queues a verification email for the address. Nothing here reads the account.</summary>
    public Task RequestAsync(string emailKey, CancellationToken cancellationToken) =>
        queue.EnqueueAsync(new AccountEmailMessage { Kind = Kind, EmailKey = emailKey, RequestId = Keys.NewId() }, TimeSpan.Zero, cancellationToken);

    public async Task SendAsync(AccountEmailMessage message, CancellationToken cancellationToken)
    {
        if (!EmailAddress.IsKey(message.EmailKey) || !Keys.IsValidId(message.RequestId))
        {
            throw new FormatException("An email-verification queue message was malformed.");
        }

        var settings = options.Value;
        var result = await links.SendAsync(
            new LinkEmailRequest(EmailLinkKind.Verification, message.EmailKey, message.RequestId, settings.Limits, settings.TokenLifetime,
                Routes.VerifyEmailPage, Wanted: user => !user.IsEmailVerified, VerificationEmail.Create, message.Deferrals,
                Requeue: delay => queue.EnqueueAsync(message with { Deferrals = message.Deferrals + 1 }, delay, cancellationToken)),
            cancellationToken);
        LogOutcome(logger, message.RequestId, result.UserId ?? UserStore.UnknownUser, result.Name);
    }

    [LoggerMessage(EventId = 1090, Level = LogLevel.Information, Message = "Verification request {RequestId} for user {UserId}: {Outcome}.")]
    private static partial void LogOutcome(ILogger logger, string requestId, string userId, string outcome);
}
