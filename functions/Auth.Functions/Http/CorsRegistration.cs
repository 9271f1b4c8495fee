namespace Auth.Functions.Http;

public static class CorsRegistration
{
    /// <summary>The origin list, checked at start-up, and the policy every API function applies.</summary>
    public static IServiceCollection AddApiCors(this IServiceCollection services)
    {
        services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section)
            .Validate(o => o.AllowedOrigins.All(CorsOptions.IsOrigin),
                $"{CorsOptions.Section}:AllowedOrigins must hold origins only, like https://app.example.com (scheme, host and port; no path, no trailing slash; http only for localhost).")
            .Validate(o => o.MaxAge >= TimeSpan.Zero, $"{CorsOptions.Section}:MaxAge must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<Cors>();
        return services;
    }
}
