namespace Auth.Functions.Identities;

/// <summary>One external provider (<c>ExternalLogin__Providers__{name}__…</c>).</summary>
public sealed class ExternalProviderOptions
{
    /// <summary><c>oidc</c> (any OpenID Connect provider), <c>google</c>, <c>microsoft</c> or <c>github</c>; by default the provider's name when it is one of the last three, else <c>oidc</c>.</summary>
    public string? Type { get; set; }

    /// <summary>The OpenID Connect issuer whose <c>/.well-known/openid-configuration</c> is read (google and microsoft have theirs built in).</summary>
    public string? Authority { get; set; }

    public string ClientId { get; set; } = "";

    /// <summary>From configuration or a Key Vault reference in the app settings; never in code.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for (default: <c>openid email profile</c>; GitHub: <c>read:user user:email</c>).</summary>
    public string[]? Scopes { get; set; }

    /// <summary>
    /// Whether a new identity may be linked to an existing account by its email when the provider says
    /// the email is verified. Default: true for google and github, false for any other OIDC provider;
    /// microsoft links by email only when the token proves the email's domain is the tenant's (<c>xms_edov</c>).
    /// </summary>
    public bool? TrustVerifiedEmail { get; set; }

    /// <summary>microsoft: the Entra ID tenant (id or domain), or <c>common</c> / <c>organizations</c> / <c>consumers</c> (the default: <c>common</c>).</summary>
    public string? Tenant { get; set; }

    /// <summary>github: where its endpoints are (default: github.com and api.github.com); for GitHub Enterprise, or a stand-in.</summary>
    public string? AuthorizationEndpoint { get; set; }

    public string? TokenEndpoint { get; set; }

    public string? ApiBaseUrl { get; set; }

    /// <summary>Whether the provider's metadata must come over https (off only for a provider on localhost).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
