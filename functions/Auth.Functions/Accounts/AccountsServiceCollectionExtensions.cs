using Auth.Functions.Users;

namespace Auth.Functions.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>Registration, login (sessions, passkeys) and its throttling, and changing a password.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section)
            .Validate(o => o.UnverifiedAccountLifetime > TimeSpan.Zero, $"{AccountOptions.Section}:UnverifiedAccountLifetime must be positive.").ValidateOnStart();
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section)
            .Validate(o => o.Lifetime > TimeSpan.Zero, $"{SessionOptions.Section}:Lifetime must be positive.").ValidateOnStart();
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section)
            .Validate(o => o.FreeAttempts > 0 && o.AccountCeiling >= o.FreeAttempts && o.BaseDelay > TimeSpan.Zero && o.MaxDelay >= o.BaseDelay
                    && o.ContentionRetryAfter > TimeSpan.Zero && o.NetworkFailureLimit > 0 && o.NetworkFailureWindow > TimeSpan.Zero,
                $"{LoginThrottleOptions.Section}: FreeAttempts > 0, AccountCeiling >= FreeAttempts, 0 < BaseDelay <= MaxDelay, ContentionRetryAfter, NetworkFailureLimit and NetworkFailureWindow > 0.").ValidateOnStart();
        services.AddSingleton<UserStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<NetworkFailureLimit>();
        services.AddSingleton<LoginService>();
        services.AddSingleton<PasswordChangeService>();
        services.AddSingleton<Reauthentication>();
        services.AddSingleton<MfaSettingsService>();
        services.AddSingleton<AccountErasure>();
        services.AddSingleton<PasskeyService>();
        services.AddSingleton<SignInMethods>();
        services.AddSingleton<ExternalLoginService>();
        return services;
    }
}
