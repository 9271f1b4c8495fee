using Microsoft.Extensions.Options;

namespace Auth.Functions.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .Validate(o => o.IsValidPrefix(), $"{StorageOptions.Section}:TablePrefix must be letters and digits, starting with a letter.")
            .Validate(o => o.IsValidQueuePrefix(), $"{StorageOptions.Section}:QueuePrefix must be lower-case letters, digits and hyphens.")
            .Validate(o => o.RequestBudget > TimeSpan.Zero && o.NetworkTimeout > TimeSpan.Zero && o.MaxRetries >= 0,
                $"{StorageOptions.Section}: RequestBudget and NetworkTimeout must be positive, MaxRetries not negative.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value);

        // One client per process, built lazily: creating it makes no network call, and a missing
        // setting fails fast at start-up (ValidateOnStart resolves it below).
        services.AddSingleton(sp => StorageClients.Create(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<StorageOptions>(), sp.GetServices<StoragePipelinePolicy>()));
        services.AddSingleton(sp => sp.GetRequiredService<StorageClientPair>().Tables);
        services.AddSingleton(sp => sp.GetRequiredService<StorageClientPair>().Queues);
        services.AddSingleton<AuthTables>();
        services.AddSingleton<ExpiryIndex>();
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        return services;
    }
}
