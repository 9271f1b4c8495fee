using Auth.Functions.Storage;

namespace Auth.Functions.Recovery;

public static class RecoveryServiceCollectionExtensions
{
    /// <summary>Forgot/reset password: the queue, the worker that mints tokens and sends mail, the limits.</summary>
    public static IServiceCollection AddRecovery(this IServiceCollection services)
    {
        services.AddOptions<RecoveryOptions>()
            .BindConfiguration(RecoveryOptions.Section)
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.MaxPerAccountPerHour > 0 && o.MaxPerMinute > 0,
                $"{RecoveryOptions.Section}: TokenLifetime, MaxPerAccountPerHour and MaxPerMinute must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ResetTokenStore>();
        services.AddSingleton<PasswordResetService>();
        services.AddSingleton<ResetEmailWorker>();
        services.AddSingleton<ResetQueue>();
        services.AddSingleton<IQueueDeclaration>(sp => sp.GetRequiredService<ResetQueue>());
        return services;
    }
}
