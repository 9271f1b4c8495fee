using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Auth.Functions.Email;
using Auth.Functions.Events;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Notifications;

/// <summary>
/// The SendAccountEmail function's work: one event in, at most one email out. The event row is the
/// record of what happened: the email is sent only once it exists, and it is marked once the email
/// is sent, so a redelivered message sends nothing more (a crash between the two sends it again,
/// with the same idempotency key for providers that honour one).
/// </summary>
public sealed partial class AccountEmailWorker(
    AuthTables tables,
    UserStore users,
    IEmailSender sender,
    TimeProvider clock,
    IOptions<NotificationOptions> options,
    IEnumerable<IAccountEmailKind> kinds,
    ILogger<AccountEmailWorker> logger)
{
    public const string FunctionName = "SendAccountEmail";

    /// <summary>How long a message waits for its event's write before concluding that the write failed.</summary>
    public static readonly TimeSpan WriteGrace = TimeSpan.FromMinutes(1);

    public async Task HandleAsync(string messageText, CancellationToken cancellationToken)
    {
        AccountEmailMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(messageText, NotificationsJsonContext.Default.AccountEmailMessage);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message?.Kind is { } name)
        {
            await (kinds.FirstOrDefault(k => k.Name == name) ?? throw new FormatException("An account-email queue message was of an unknown kind."))
                .SendAsync(message, cancellationToken);
            return;
        }

        if (message is { UserId: { } owner } && SecurityEvents.IsDecoy(owner))
        {
            // Queued for a failed login of an email without an account, so that it cost what a real one costs.
            LogOutcome(logger, message.EventId ?? "", owner, "decoy: nothing to tell");
            return;
        }

        if (message is null || !Keys.IsValidId(message.UserId) || !SecurityEventEntity.IsValidId(message.EventId))
        {
            // Fails the invocation: retried, then poisoned where an operator sees it.
            throw new FormatException("An account-email queue message was malformed.");
        }

        var found = await tables.Users.GetEntityIfExistsAsync<SecurityEventEntity>(
            message.UserId, SecurityEventEntity.RowPrefix + message.EventId, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            if (clock.GetUtcNow() - message.At < WriteGrace)
            {
                // Its write may still be landing: retried after the queue's visibility timeout.
                throw new EventNotStoredYetException();
            }

            LogOutcome(logger, message.EventId, message.UserId, "event never stored (its change failed): nothing to tell");
            return;
        }

        var recorded = found.Value!;
        if (recorded.Notified == true || !options.Value.Emails(recorded.Type))
        {
            LogOutcome(logger, message.EventId, message.UserId, recorded.Notified == true ? "already sent" : "switched off");
            return;
        }

        if (await users.GetAsync(message.UserId, cancellationToken) is not { } user)
        {
            LogOutcome(logger, message.EventId, message.UserId, "account gone");
            return;
        }

        var idempotencyKey = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes("account-email:" + recorded.RowKey)).AsSpan(0, 16));
        await sender.SendAsync(AccountEmails.Create(user.Email, recorded, idempotencyKey), cancellationToken);
        await tables.Users.UpdateEntityAsync(
            new TableEntity(recorded.PartitionKey, recorded.RowKey) { [nameof(SecurityEventEntity.Notified)] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        LogOutcome(logger, message.EventId, message.UserId, "sent " + recorded.Type);
    }

    [LoggerMessage(EventId = 1080, Level = LogLevel.Information, Message = "Account email for event {EventId} of user {UserId}: {Outcome}.")]
    private static partial void LogOutcome(ILogger logger, string eventId, string userId, string outcome);
}

/// <summary>The event a message names is not stored (yet): the delivery fails and is retried.</summary>
public sealed class EventNotStoredYetException() : Exception("The event is not stored yet.");
