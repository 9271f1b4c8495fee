using System.Text.Json.Serialization;

namespace Auth.Functions.Admin;

public sealed record AuditLogResponse(
    IReadOnlyList<AuditEntryDto> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next = null);
