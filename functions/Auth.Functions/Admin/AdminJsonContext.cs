using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Admin;

/// <summary>The admin API's JSON, with the options of <see cref="Http.AppJsonContext"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AdminUserResponse))]
[JsonSerializable(typeof(AdminUserListResponse))]
[JsonSerializable(typeof(DisableUserRequest))]
[JsonSerializable(typeof(AuditLogResponse))]
public sealed partial class AdminJsonContext : JsonSerializerContext;
