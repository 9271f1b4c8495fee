using System.Text.Json.Serialization;

namespace Auth.Functions.Admin;

/// <summary>One admin call: which key, what, on whom, from where.</summary>
public sealed record AuditEntryDto(
    string Id,
    DateTimeOffset At,
    string AdminKeyId,
    string Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId,
    string? Ip);
