using Microsoft.Extensions.Options;

namespace Auth.Functions.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>The sender named by <c>Email__Provider</c>; bad settings stop the app at start-up, naming the setting.</summary>
    public static IServiceCollection AddEmail(this IServiceCollection services)
    {
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddSingleton<EmailThrottle>();
        services.AddSingleton<IEmailSender>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmailOptions>>();
            return options.Value.Provider.ToLowerInvariant() switch
            {
                "smtp" => new SmtpEmailSender(options),
                "acs" => new AcsEmailSender(options, sp.GetRequiredService<TimeProvider>()),
                _ => new PickupDirectorySender(options, sp.GetRequiredService<TimeProvider>()),
            };
        });
        return services;
    }

    private sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
    {
        public ValidateOptionsResult Validate(string? name, EmailOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
