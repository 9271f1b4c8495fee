using Auth.Functions.Email;
using Auth.Functions.Storage;

namespace Auth.Functions.Recovery;

public static class RecoveryServiceCollectionExtensions
{
    /// <summary>Forgot/reset password: the queue, the worker that mints tokens and sends mail, the limits.</summary>
    public static IServiceCollection AddRecovery(this IServiceCollection services)
    {
        services.AddLinkEmailOptions<RecoveryOptions>(RecoveryOptions.Section);
        services.AddSingleton<ResetTokenStore>();
        services.AddSingleton<PasswordResetService>();
        services.AddSingleton<ResetEmailWorker>();
        services.AddSingleton<ResetQueue>();
        services.AddSingleton<IQueueDeclaration>(sp => sp.GetRequiredService<ResetQueue>());
        return services;
    }
}
