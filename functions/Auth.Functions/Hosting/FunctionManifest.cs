using System.Text.Json;

namespace Auth.Functions.Hosting;

/// <summary>One Azure Function as its <c>function.json</c> defines it.</summary>
public sealed record FunctionDefinition(
    string Name,
    string TriggerType,
    string? Route,
    IReadOnlyList<string> Methods,
    string? Schedule,
    string? QueueName);

/// <summary>
/// The function definitions (<c>*/function.json</c> under the app root) are the single source of
/// truth for routes, methods, schedules and queue names: the app maps its endpoints from them and
/// refuses to start if a definition and a handler disagree.
/// </summary>
public sealed class FunctionManifest
{
    private readonly Dictionary<string, FunctionDefinition> _functions;
    private readonly HashSet<string> _mapped = new(StringComparer.Ordinal);

    private FunctionManifest(Dictionary<string, FunctionDefinition> functions) => _functions = functions;

    public IReadOnlyCollection<FunctionDefinition> Functions => _functions.Values;

    /// <summary>The app root: the Functions host says where it is; standalone, it is next to the executable.</summary>
    public static string DefaultAppRoot() =>
        Environment.GetEnvironmentVariable("FUNCTIONS_APP_ROOT_PATH") is { Length: > 0 } root
            ? root
            : AppContext.BaseDirectory;

    public static FunctionManifest Load(string appRoot)
    {
        var functions = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(appRoot))
        {
            var file = Path.Combine(dir, "function.json");
            if (!File.Exists(file))
            {
                continue;
            }

            var name = Path.GetFileName(dir);
            functions[name] = Parse(name, File.ReadAllText(file));
        }

        if (functions.Count == 0)
        {
            throw new InvalidOperationException($"No function.json files were found under '{appRoot}'.");
        }

        return new FunctionManifest(functions);
    }

    public static FunctionDefinition Parse(string name, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var bindings = doc.RootElement.GetProperty("bindings");
        var triggers = bindings.EnumerateArray()
            .Where(b => Str(b, "direction") == "in" && (Str(b, "type") ?? "").EndsWith("Trigger", StringComparison.Ordinal))
            .ToList();
        if (triggers.Count != 1)
        {
            throw new InvalidOperationException($"Function '{name}' must have exactly one trigger binding.");
        }

        var trigger = triggers[0];
        var methods = trigger.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToArray()
            : [];
        return new FunctionDefinition(
            name,
            Str(trigger, "type")!,
            Str(trigger, "route"),
            methods,
            Str(trigger, "schedule"),
            Str(trigger, "queueName"));
    }

    private static string? Str(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public FunctionDefinition Get(string name, string triggerType) =>
        _functions.TryGetValue(name, out var f) && f.TriggerType == triggerType
            ? f
            : throw new InvalidOperationException($"No {triggerType} function named '{name}' (missing {name}/function.json).");

    public void MarkMapped(string name) => _mapped.Add(name);

    /// <summary>Every function has a handler, and (by <see cref="Get"/>) every handler has a definition.</summary>
    public void EnsureEveryFunctionHasAHandler()
    {
        var missing = _functions.Values
            .Where(f => !_mapped.Contains(f.Name))
            .Select(f => f.Name)
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"function.json without a handler: {string.Join(", ", missing)}.");
        }
    }
}
