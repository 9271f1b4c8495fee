namespace Auth.Functions.Events;

/// <summary>
/// Told about each event while it is being stored (<c>SecurityEvents.CommitAsync</c>): the
/// write may still fail, so a listener that acts later must check that the event exists first.
/// </summary>
public interface ISecurityEventListener
{
    Task OnRecordingAsync(SecurityEventEntity @event, CancellationToken cancellationToken);
}
