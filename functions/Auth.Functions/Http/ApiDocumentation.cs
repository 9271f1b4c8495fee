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

/// <summary>The error answers of the function, each <c>application/problem+json</c> with a stable <c>code</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProblemResponsesAttribute(params int[] statusCodes) : Attribute
{
    public IReadOnlyList<int> StatusCodes => statusCodes;

    public IEnumerable<IProducesResponseTypeMetadata> AsMetadata() =>
        statusCodes.Select(status => new ResponseAttribute(status, typeof(ProblemBody), "application/problem+json"));
}

/// <summary>The function needs <c>Authorization: Bearer {key}</c> (or Basic with a key).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresKeyAttribute : Attribute;
