using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Http;

/// <summary>Source-generated JSON for the problem body. Every feature has its own context for its own shapes, with these same options: strict number handling (a string where a number or boolean belongs is <c>malformed_json</c>, never silently converted), camelCase, enums as strings.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(string))]
public sealed partial class AppJsonContext : JsonSerializerContext;
