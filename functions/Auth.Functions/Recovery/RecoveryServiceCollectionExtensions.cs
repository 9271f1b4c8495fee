using Auth.Functions.Storage;

namespace Auth.Functions.Recovery;

public static class RecoveryServiceCollectionExtensions
{
    /// <summary>Forgot/reset password: the queue, the worker that mints tokens and sends mail, the limits.</summary>
    public static IServiceCollection AddRecovery(this IServiceCollection services)
    {
        services.AddOptions<RecoveryOptions>()
            .BindConfiguration(RecoveryOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
            {
                // The documented top-level setting wins over PasswordReset__PublicBaseUrl.
                if (configuration["PublicBaseUrl"] is { Length: > 0 } url)
                {
                    options.PublicBaseUrl = url;
                }
            })
            .Validate(o => o.HasValidBaseUrl(), "PublicBaseUrl must be set to the absolute http(s) URL that reset links start with, e.g. https://auth.example.com.")
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.MaxPerAccountPerHour > 0 && o.MaxPerMinute > 0,
                $"{RecoveryOptions.Section}: TokenLifetime, MaxPerAccountPerHour and MaxPerMinute must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ResetTokenStore>();
        services.AddSingleton<PasswordResetService>();
        services.AddSingleton<ResetEmailThrottle>();
        services.AddSingleton<ResetEmailWorker>();
        services.AddSingleton<ResetQueue>();
        services.AddSingleton<IQueueDeclaration>(sp => sp.GetRequiredService<ResetQueue>());
        return services;
    }
}
