using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Notifications;

/// <summary>The notifications' queue message, with the options of <see cref="Http.AppJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AccountEmailMessage))]
public sealed partial class NotificationsJsonContext : JsonSerializerContext;
