using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Verification;

/// <summary>The verification feature's JSON, with the options of <see cref="Http.AppJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(VerifyEmailRequest))]
[JsonSerializable(typeof(ResendVerificationRequest))]
[JsonSerializable(typeof(ResendVerificationResponse))]
public sealed partial class VerificationJsonContext : JsonSerializerContext;
