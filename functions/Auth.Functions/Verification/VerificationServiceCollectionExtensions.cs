using Auth.Functions.Notifications;

namespace Auth.Functions.Verification;

public static class VerificationServiceCollectionExtensions
{
    /// <summary>Email verification: the links, their emails (a kind of account email) and spending them.</summary>
    public static IServiceCollection AddEmailVerification(this IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>().BindConfiguration(VerificationOptions.Section)
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.MaxPerAccountPerHour > 0 && o.MaxPerMinute > 0,
                $"{VerificationOptions.Section}: TokenLifetime, MaxPerAccountPerHour and MaxPerMinute must be positive.")
            .ValidateOnStart();
        services.AddSingleton<VerificationEmails>();
        services.AddSingleton<IAccountEmailKind>(sp => sp.GetRequiredService<VerificationEmails>());
        services.AddSingleton<EmailVerificationService>();
        return services;
    }
}
