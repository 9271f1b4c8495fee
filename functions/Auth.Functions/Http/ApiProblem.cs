using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Http;

/// <summary>The RFC 9457 body every error of the API carries.</summary>
public sealed record ProblemBody(
    string Type,
    string Title,
    int Status,
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MfaTicket = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? MfaMethods = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? Expires = null);

/// <summary>An <c>application/problem+json</c> answer with a stable <c>code</c> and optional headers.</summary>
public sealed class ApiProblem : IResult, IStatusCodeHttpResult
{
    /// <param name="code">One of <see cref="ProblemCodes"/>, which gives the status.</param>
    public ApiProblem(string code, string title, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var status = ProblemCodes.StatusOf(code);
        Body = new ProblemBody($"https://httpstatuses.io/{status}", title, status, code, errors);
    }

    public ProblemBody Body { get; private set; }

    /// <summary>Extra members of the body (an <c>mfa_required</c> problem's ticket).</summary>
    public ProblemExtensions? Extensions
    {
        get => Body.MfaTicket is { } ticket ? new ProblemExtensions(ticket, Body.MfaMethods!, Body.Expires!.Value) : null;
        init => Body = Body with { MfaTicket = value?.MfaTicket, MfaMethods = value?.MfaMethods, Expires = value?.Expires };
    }

    public int StatusCode => Body.Status;

    int? IStatusCodeHttpResult.StatusCode => Body.Status;

    public string? WwwAuthenticate { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Body.Status;
        response.ContentType = "application/problem+json";
        response.Headers.CacheControl = "no-store";
        if (WwwAuthenticate is not null)
        {
            response.Headers.WWWAuthenticate = WwwAuthenticate;
        }

        if (RetryAfter is { } retryAfter)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await JsonSerializer.SerializeAsync(response.Body, Body, AppJsonContext.Default.ProblemBody, httpContext.RequestAborted);
    }
}
