namespace Auth.Functions.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>The admin API: its pipeline, its audit log and what it does to accounts.</summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddSingleton<AdminAudit>();
        services.AddSingleton<AdminService>();
        services.AddSingleton<AdminApi>();
        return services;
    }
}
