namespace Auth.Functions.Http;

/// <summary>Where the links in emails point: <c>PublicBaseUrl</c>, from configuration only, never from a request's Host header.</summary>
public sealed class PublicLinkOptions
{
    /// <summary>The documented setting, at the top level of the configuration.</summary>
    public const string Setting = "PublicBaseUrl";

    /// <summary>Where the setting lived before verification links needed it too; still read when the top-level one is unset.</summary>
    public const string LegacySetting = "PasswordReset:PublicBaseUrl";

    public string PublicBaseUrl { get; set; } = "";

    public bool IsValid() =>
        Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) && SecureScheme.IsAllowed(uri) && string.IsNullOrEmpty(uri.Query);

    /// <summary>
    /// A link to one of the hosted pages with its token in the fragment, which browsers never send:
    /// no request log or telemetry records it.
    /// </summary>
    public string Link(string pageRoute, string token) =>
        $"{PublicBaseUrl.TrimEnd('/')}{Routes.PathOf(pageRoute)}#token={Uri.EscapeDataString(token)}";
}
