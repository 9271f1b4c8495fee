using Auth.Functions.Events;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Notifications;

/// <summary>Queues an email for each event that calls for one, while the event is being written.</summary>
public sealed class AccountEmailAnnouncer(AccountEmailQueue queue, IOptions<NotificationOptions> options) : ISecurityEventListener
{
    public Task OnRecordingAsync(SecurityEventEntity @event, CancellationToken cancellationToken) =>
        options.Value.Emails(@event.Type)
            ? queue.EnqueueAsync(new AccountEmailMessage(@event.PartitionKey, @event.Id, @event.At), options.Value.SendAfter, cancellationToken)
            : Task.CompletedTask;
}
