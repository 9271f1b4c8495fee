namespace Auth.Functions.Http;

public static class PublicLinks
{
    public static IServiceCollection AddPublicLinks(this IServiceCollection services)
    {
        services.AddOptions<PublicLinkOptions>()
            .Configure<IConfiguration>((options, configuration) =>
                options.PublicBaseUrl = configuration[PublicLinkOptions.Setting] is { Length: > 0 } url ? url : configuration[PublicLinkOptions.LegacySetting] ?? "")
            .Validate(o => o.IsValid(), "PublicBaseUrl must be set to the absolute https URL that the links in emails start with, e.g. https://auth.example.com (http only for localhost).")
            .ValidateOnStart();
        return services;
    }
}
