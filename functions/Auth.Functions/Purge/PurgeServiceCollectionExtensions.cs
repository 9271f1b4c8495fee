namespace Auth.Functions.Purge;

public static class PurgeServiceCollectionExtensions
{
    /// <summary>What the PurgeExpiredTokens timer function runs.</summary>
    public static IServiceCollection AddPurge(this IServiceCollection services) => services.AddSingleton<PurgeService>();
}
