using Microsoft.AspNetCore.Http.Metadata;

namespace Auth.Functions.Http;

// What the OpenAPI document says of each function. These attributes sit on the function methods;
// the standalone server copies them into its endpoint metadata, where the document is generated from.

/// <summary>The function reads a JSON body of this type (<c>application/json</c>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class JsonRequestAttribute(Type requestType) : Attribute, IAcceptsMetadata
{
    public IReadOnlyList<string> ContentTypes { get; } = ["application/json"];

    public Type? RequestType => requestType;

    public bool IsOptional => false;
}

/// <summary>A success answer: JSON of <paramref name="type"/>, or no body when it is null.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ResponseAttribute(int statusCode, Type? type = null, string contentType = "application/json") : Attribute, IProducesResponseTypeMetadata
{
    public Type? Type => type;

    public int StatusCode => statusCode;

    public string? Description => null;

    public IEnumerable<string> ContentTypes => type is null && contentType == "application/json" ? [] : [contentType];
}

/// <summary>
/// The error answers of the function, by their <see cref="ProblemCodes"/>: each status is
/// <c>application/problem+json</c> and the document names the codes it can carry. What every function
/// of a kind can answer is added here, not repeated on each: <c>storage_unavailable</c> for all;
/// <c>malformed_json</c>, <c>payload_too_large</c> and <c>unsupported_media_type</c> with a JSON body;
/// <c>unauthorized</c> and <c>forbidden</c> where a key is required.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProblemResponsesAttribute(params string[] codes) : Attribute
{
    public IReadOnlyList<string> Codes => codes;

    public IEnumerable<ProblemResponse> AsMetadata(bool readsJson, bool requiresKey)
    {
        List<string> all = [.. codes, ProblemCodes.StorageUnavailable];
        if (readsJson)
        {
            all.AddRange([ProblemCodes.MalformedJson, ProblemCodes.PayloadTooLarge, ProblemCodes.UnsupportedMediaType]);
        }

        if (requiresKey)
        {
            // No key, or a dead one; or a live key of the other kind (admin keys work on /api/admin only).
            all.AddRange([ProblemCodes.Unauthorized, ProblemCodes.Forbidden]);
        }

        return all.Distinct().GroupBy(ProblemCodes.StatusOf).OrderBy(g => g.Key).Select(g => new ProblemResponse(g.Key, [.. g.Order(StringComparer.Ordinal)]));
    }
}

/// <summary>One error status of a function and the codes it can carry.</summary>
public sealed class ProblemResponse(int statusCode, IReadOnlyList<string> codes) : IProducesResponseTypeMetadata
{
    public IReadOnlyList<string> Codes => codes;

    public Type? Type => typeof(ProblemBody);

    public int StatusCode => statusCode;

    public string? Description => null;

    public IEnumerable<string> ContentTypes => ["application/problem+json"];
}

/// <summary>The tag, with its description, of every operation of a function class (one feature's functions).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ApiTagAttribute(string name, string description) : Attribute, ITagsMetadata
{
    public string Name => name;

    public string Description => description;

    public IReadOnlyList<string> Tags => [name];
}

/// <summary>The function needs <c>Authorization: Bearer {key}</c> (or Basic with a key).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresKeyAttribute : Attribute;

/// <summary>The operation takes an admin key (<c>afs_admin_…</c>) only.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresAdminKeyAttribute : Attribute;
