using Auth.Functions.Events;
using Auth.Functions.Tokens;

namespace Auth.Functions.Admin;

/// <summary>
/// The admin audit log: one entry per admin call (key id, action with its answer's status, the user
/// concerned), in the admin keys' partition, kept and purged like a security log. A call that concerns
/// a user is in that user's log too, as <c>admin_action</c> (or the event of its change).
/// </summary>
public sealed class AdminAudit(SecurityEvents events)
{
    public async Task RecordAsync(AdminCaller caller, string action, string? userId, int status, CancellationToken cancellationToken)
    {
        var entry = events.New(AdminKeyStore.Partition, SecurityEventTypes.AdminAction, caller.KeyId, $"{action} {status}");
        entry.Subject = userId;
        await events.RecordAsync(entry, cancellationToken);
    }

    /// <summary><c>admin_action</c> in the user's own log: the admin key's id and the action.</summary>
    public Task RecordForUserAsync(AdminCaller caller, string userId, string action, CancellationToken cancellationToken) =>
        events.RecordAsync(events.New(userId, SecurityEventTypes.AdminAction, caller.KeyId, action), cancellationToken);

    public async Task<AuditLogResponse> ListAsync(int limit, string? before, CancellationToken cancellationToken)
    {
        var page = await events.ListAsync(AdminKeyStore.Partition, limit, before, cancellationToken);
        return new AuditLogResponse(
            [.. page.Items.Select(e => new AuditEntryDto(e.Id, e.At, e.TokenId ?? "", e.Label ?? "", e.Subject, e.Ip))],
            page.Next);
    }
}
