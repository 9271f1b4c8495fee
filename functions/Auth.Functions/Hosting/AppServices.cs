using Auth.Functions.Accounts;
using Auth.Functions.Email;
using Auth.Functions.Http;
using Auth.Functions.Purge;
using Auth.Functions.Recovery;
using Auth.Functions.Storage;

namespace Auth.Functions.Hosting;

public static class AppServices
{
    /// <summary>
    /// Everything the functions need, registered the same way under both hosts: the worker's and the
    /// standalone server's containers are built by this one method.
    /// </summary>
    public static IServiceCollection AddAuthFunctions(this IServiceCollection services)
    {
        // Source-generated JSON, strict about types.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
        // Table and queue clients from AzureWebJobsStorage; tables and queues created once, after start-up.
        services.AddStorage();
        // Users, sessions, API keys, password hashing, login throttling.
        services.AddAccounts();
        // Forgot/reset password: the reset queue and its worker.
        services.AddRecovery();
        // The reset email's sender: pickup folder, SMTP or Azure Communication Services.
        services.AddEmail();
        // What the hourly PurgeExpiredTokens runs.
        services.AddPurge();
        // Per-address limits on anonymous endpoints that create work.
        services.AddRateLimits();
        // What every HTTP function runs around its handler, and the OpenAPI document.
        services.AddSingleton<ApiPipeline>();
        services.AddSingleton<ApiDocument>();
        return services;
    }
}
