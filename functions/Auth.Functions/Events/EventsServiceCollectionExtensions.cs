namespace Auth.Functions.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>The per-user security log.</summary>
    public static IServiceCollection AddSecurityEvents(this IServiceCollection services)
    {
        services.AddOptions<SecurityEventOptions>().BindConfiguration(SecurityEventOptions.Section)
            .Validate(o => o.Retention > TimeSpan.Zero, $"{SecurityEventOptions.Section}:Retention must be positive.").ValidateOnStart();
        services.AddSingleton<SecurityEvents>();
        return services;
    }
}
