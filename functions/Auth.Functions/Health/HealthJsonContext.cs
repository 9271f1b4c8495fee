using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Health;

/// <summary>The health check's JSON, with the options of <see cref="Http.AppJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(HealthResponse))]
public sealed partial class HealthJsonContext : JsonSerializerContext;
