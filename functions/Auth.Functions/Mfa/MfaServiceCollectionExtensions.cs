namespace Auth.Functions.Mfa;

public static class MfaServiceCollectionExtensions
{
    /// <summary>The second factor's options and rows.</summary>
    public static IServiceCollection AddMfa(this IServiceCollection services)
    {
        services.AddOptions<MfaOptions>().BindConfiguration(MfaOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Issuer) && !o.Issuer.Contains(':', StringComparison.Ordinal),
                $"{MfaOptions.Section}__{nameof(MfaOptions.Issuer)} must be set, without ':' (authenticator apps split the label there).")
            .Validate(o => o.TicketLifetime > TimeSpan.Zero && o.TicketMaxFailures > 0 && o.EnrolmentLifetime > TimeSpan.Zero,
                $"{MfaOptions.Section}: TicketLifetime, TicketMaxFailures and EnrolmentLifetime must be positive.")
            .ValidateOnStart();
        services.AddSingleton<MfaStore>();
        return services;
    }
}
