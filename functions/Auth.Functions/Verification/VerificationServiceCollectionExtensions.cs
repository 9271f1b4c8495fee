using Auth.Functions.Email;
using Auth.Functions.Notifications;

namespace Auth.Functions.Verification;

public static class VerificationServiceCollectionExtensions
{
    /// <summary>Email verification: the links, their emails (a kind of account email) and spending them.</summary>
    public static IServiceCollection AddEmailVerification(this IServiceCollection services)
    {
        services.AddLinkEmailOptions<VerificationOptions>(VerificationOptions.Section);
        services.AddSingleton<VerificationEmails>();
        services.AddSingleton<IAccountEmailKind>(sp => sp.GetRequiredService<VerificationEmails>());
        services.AddSingleton<EmailVerificationService>();
        return services;
    }
}
