using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Passwords;

/// <summary>The passwords feature's JSON, with the options of <see cref="Http.AppJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ChangePasswordRequest))]
public sealed partial class PasswordsJsonContext : JsonSerializerContext;
