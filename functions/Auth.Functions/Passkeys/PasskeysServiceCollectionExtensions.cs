namespace Auth.Functions.Passkeys;

public static class PasskeysServiceCollectionExtensions
{
    /// <summary>Passkeys' settings, rows and WebAuthn verification.</summary>
    public static IServiceCollection AddPasskeys(this IServiceCollection services)
    {
        services.AddOptions<PasskeyOptions>().BindConfiguration(PasskeyOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.RelyingPartyId) && !string.IsNullOrWhiteSpace(o.RelyingPartyName),
                $"{PasskeyOptions.Section}__RelyingPartyId and __RelyingPartyName must be set.")
            .Validate(o => o.OriginProblem() is null, $"{PasskeyOptions.Section}__Origins__N must each be an origin (scheme://host[:port]) whose host is {PasskeyOptions.Section}__RelyingPartyId or under it.")
            .Validate(o => o.CeremonyLifetime > TimeSpan.Zero && o.RegistrationWindow > TimeSpan.Zero,
                $"{PasskeyOptions.Section}__CeremonyLifetime and __RegistrationWindow must be positive.")
            .ValidateOnStart();
        services.AddSingleton<RelyingParty>();
        services.AddSingleton<PasskeyStore>();
        return services;
    }
}
