using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Email;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Notifications;

/// <summary>The last email of an account: it was erased. Queued by the erasure with the address, sent once by SendAccountEmail.</summary>
public sealed partial class AccountErasedEmails(AccountEmailQueue queue, IEmailSender sender, TimeProvider clock, IOptions<NotificationOptions> options, ILogger<AccountErasedEmails> logger)
    : IAccountEmailKind
{
    public const string KindName = "account-erased";

    public string Name => KindName;

    /// <summary>Queues the email (best effort: a failure is logged, the erasure stands).</summary>
    public async Task RequestAsync(string userId, string address, CancellationToken cancellationToken)
    {
        if (!options.Value.AccountErased)
        {
            return;
        }

        try
        {
            await queue.EnqueueAsync(
                new AccountEmailMessage(userId, At: clock.GetUtcNow()) { Kind = KindName, Address = address, RequestId = Guid.NewGuid().ToString("N") },
                TimeSpan.Zero,
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotQueued(logger, e, userId);
        }
    }

    public async Task SendAsync(AccountEmailMessage message, CancellationToken cancellationToken)
    {
        if (message.Address is not { Length: > 0 } address || message.RequestId is not { Length: > 0 } requestId)
        {
            throw new FormatException("An account-erased message had no address or request id.");
        }

        var at = message.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        string[] lines =
        [
            $"Your account and everything stored with it (its keys, its security log, its second factor) were deleted on {at}.",
            "The address can be used to register again. If you did not ask for this, contact the service that uses this sign-in.",
        ];
        var idempotencyKey = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes("account-erased:" + requestId)).AsSpan(0, 16));
        await sender.SendAsync(AccountEmails.Compose(address, "Your account was deleted", lines, idempotencyKey), cancellationToken);
        LogSent(logger, message.UserId ?? "");
    }

    [LoggerMessage(EventId = 1081, Level = LogLevel.Warning, Message = "User {UserId} was erased, but the email telling them could not be queued.")]
    private static partial void LogNotQueued(ILogger logger, Exception exception, string userId);

    [LoggerMessage(EventId = 1082, Level = LogLevel.Information, Message = "Erased account {UserId}: its last email was sent.")]
    private static partial void LogSent(ILogger logger, string userId);
}
