using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Tokens;

/// <summary>The tokens feature's JSON, with the options of <see cref="Http.AppJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(TokenListResponse))]
[JsonSerializable(typeof(ReportLeakedKeysRequest))]
[JsonSerializable(typeof(ReportLeakedKeysResponse))]
public sealed partial class TokensJsonContext : JsonSerializerContext;
