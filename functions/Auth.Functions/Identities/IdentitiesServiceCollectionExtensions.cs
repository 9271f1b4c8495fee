namespace Auth.Functions.Identities;

public static class IdentitiesServiceCollectionExtensions
{
    /// <summary>External providers' settings, clients and the identities' rows.</summary>
    public static IServiceCollection AddIdentities(this IServiceCollection services)
    {
        services.AddOptions<ExternalLoginOptions>().BindConfiguration(ExternalLoginOptions.Section)
            .Validate(o => o.FlowLifetime > TimeSpan.Zero && o.CodeLifetime > TimeSpan.Zero, $"{ExternalLoginOptions.Section}: FlowLifetime and CodeLifetime must be positive.")
            .Validate(o => (o.RedirectUris ?? []).All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && string.IsNullOrEmpty(uri.Fragment) && Http.SecureScheme.IsAllowed(uri)),
                $"{ExternalLoginOptions.Section}__RedirectUris__N must be absolute https URLs (http only on localhost), without a fragment.")
            .Validate(o => o.Providers.All(p => !string.IsNullOrWhiteSpace(p.Value.ClientId)
                    && (ExternalProviders.KindOf(p.Key, p.Value) is ExternalProviders.Google or ExternalProviders.Microsoft or ExternalProviders.GitHub || p.Value.Authority is { Length: > 0 })
                    && ExternalProviders.KindOf(p.Key, p.Value) is ExternalProviders.Google or ExternalProviders.Microsoft or ExternalProviders.GitHub or ExternalProviders.Oidc),
                $"{ExternalLoginOptions.Section}__Providers__{{name}}: each needs a ClientId, a Type of oidc, google, microsoft or github, and an oidc provider its Authority.")
            .ValidateOnStart();
        services.AddSingleton<ExternalProviders>();
        services.AddSingleton<IdentityStore>();
        return services;
    }
}
