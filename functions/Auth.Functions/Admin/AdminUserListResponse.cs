using System.Text.Json.Serialization;

namespace Auth.Functions.Admin;

/// <param name="Next">Pass as <c>before</c> for the next page; absent on the last one.</param>
public sealed record AdminUserListResponse(
    IReadOnlyList<AdminUserDto> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next = null);
