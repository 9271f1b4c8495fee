namespace Auth.Functions.Identities;

/// <summary>Sign-in with external providers (<c>ExternalLogin__…</c>).</summary>
public sealed class ExternalLoginOptions
{
    public const string Section = "ExternalLogin";

    /// <summary>The exact app URLs a sign-in may return to (<c>ExternalLogin__RedirectUris__0…</c>).</summary>
    public string[]? RedirectUris { get; set; }

    /// <summary>The configured providers, by the name used in routes (<c>google</c>, <c>github</c>, <c>corp</c>…).</summary>
    public Dictionary<string, ExternalProviderOptions> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a person has at the provider before the sign-in must start again.</summary>
    public TimeSpan FlowLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the app has to exchange the code it was sent back with.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    public bool AllowsRedirect(string uri) => RedirectUris?.Contains(uri, StringComparer.Ordinal) == true;
}
