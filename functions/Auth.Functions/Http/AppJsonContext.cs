using System.Text.Json;
using System.Text.Json.Serialization;
using Auth.Functions.Accounts;
using Auth.Functions.Health;
using Auth.Functions.Passwords;
using Auth.Functions.Recovery;
using Auth.Functions.Tokens;

namespace Auth.Functions.Http;

/// <summary>
/// Source-generated JSON for every request and response. Strict number handling: a string where a
/// number or boolean belongs is <c>malformed_json</c>, never silently converted.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(TokenListResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ForgotPasswordRequest))]
[JsonSerializable(typeof(ForgotPasswordResponse))]
[JsonSerializable(typeof(ResetPasswordRequest))]
[JsonSerializable(typeof(ResetRequestMessage))]
public sealed partial class AppJsonContext : JsonSerializerContext;
