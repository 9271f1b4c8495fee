using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Recovery;

/// <summary>The recovery feature's JSON (the queue message too), with the options of <see cref="Http.AppJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ForgotPasswordRequest))]
[JsonSerializable(typeof(ForgotPasswordResponse))]
[JsonSerializable(typeof(ResetPasswordRequest))]
[JsonSerializable(typeof(ResetRequestMessage))]
public sealed partial class RecoveryJsonContext : JsonSerializerContext;
