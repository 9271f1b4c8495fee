namespace Auth.Functions.Http;

/// <summary>Cross-origin calls from browser apps (<c>Cors__AllowedOrigins__0</c>, <c>__1</c>, …).</summary>
public sealed class CorsOptions
{
    public const string Section = "Cors";

    /// <summary>Origins (<c>https://app.example.com</c>, exact match) whose pages may call the API. Empty: no CORS headers at all.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>How long a browser may reuse a preflight's answer.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An origin as browsers send it: scheme, host and port only (no path, no trailing slash).</summary>
    public static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && SecureScheme.IsAllowed(uri)
        && uri.GetLeftPart(UriPartial.Authority) == origin && !origin.EndsWith('/');
}
