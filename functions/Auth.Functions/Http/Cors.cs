using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Auth.Functions.Http;

/// <summary>
/// CORS for the origins on the list, in the app itself (Flex Consumption has no platform CORS).
/// Keys travel in <c>Authorization</c>, never in cookies, so there is no credentials mode. Origins
/// not on the list get no CORS headers, and the browser keeps their pages out.
/// </summary>
public sealed class Cors(IOptions<CorsOptions> options, IRouteMethods routes)
{
    private const string AllowedHeaders = "Authorization, Content-Type";
    private const string ExposedHeaders = "Retry-After, WWW-Authenticate";

    private readonly HashSet<string> _origins = new(options.Value.AllowedOrigins, StringComparer.Ordinal);
    private readonly string _maxAge = ((int)options.Value.MaxAge.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsPreflight(HttpRequest request) => HttpMethods.IsOptions(request.Method);

    /// <summary>The headers of an actual answer: the origin itself when it is on the list.</summary>
    public void Apply(HttpContext context)
    {
        if (_origins.Count == 0)
        {
            return;
        }

        var headers = context.Response.Headers;
        // The answer depends on the Origin header whenever CORS is on: caches must keep them apart.
        headers.Append(HeaderNames.Vary, HeaderNames.Origin);
        if (AllowedOrigin(context.Request) is { } origin)
        {
            headers.AccessControlAllowOrigin = origin;
            headers.AccessControlExposeHeaders = ExposedHeaders;
        }
    }

    /// <summary>
    /// The answer to <c>OPTIONS</c>: 204 with the route's methods in <c>Allow</c>, and, for an origin
    /// on the list, what it may send (<see cref="Apply"/> has added the rest).
    /// </summary>
    public IResult Preflight(HttpContext context)
    {
        var methods = routes.MethodsOf(context.Request.Path);
        if (methods.Count == 0)
        {
            return Problems.NotFound();
        }

        var allowed = string.Join(", ", methods.Append(HttpMethods.Options));
        var headers = context.Response.Headers;
        headers.Allow = allowed;
        if (_origins.Count > 0 && AllowedOrigin(context.Request) is not null)
        {
            headers.AccessControlAllowMethods = allowed;
            headers.AccessControlAllowHeaders = AllowedHeaders;
            headers.AccessControlMaxAge = _maxAge;
            headers.Append(HeaderNames.Vary, new StringValues([HeaderNames.AccessControlRequestMethod, HeaderNames.AccessControlRequestHeaders]));
        }

        return TypedResults.NoContent();
    }

    private string? AllowedOrigin(HttpRequest request) =>
        request.Headers.Origin is [{ } origin] && _origins.Contains(origin) ? origin : null;
}
