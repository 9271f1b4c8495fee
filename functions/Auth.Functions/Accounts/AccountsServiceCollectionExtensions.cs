using Auth.Functions.Passwords;
using Auth.Functions.Tokens;

namespace Auth.Functions.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>Users, sessions, API keys, login throttling and password hashing.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section)
            .Validate(o => o.Lifetime > TimeSpan.Zero, $"{SessionOptions.Section}:Lifetime must be positive.").ValidateOnStart();
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section)
            .Validate(o => o.FreeAttempts > 0 && o.BaseDelay > TimeSpan.Zero && o.MaxDelay >= o.BaseDelay,
                $"{LoginThrottleOptions.Section}: FreeAttempts > 0 and 0 < BaseDelay <= MaxDelay.").ValidateOnStart();
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section)
            .Validate(o => o.MemoryKiB >= 8 * o.Parallelism && o.Iterations >= 1 && o.Parallelism >= 1
                    && o.MemoryKiB <= o.MaxMemoryKiB && o.Iterations <= o.MaxIterations && o.Parallelism <= o.MaxParallelism,
                $"{PasswordHashingOptions.Section}: parameters must be positive and within their Max* caps.").ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IPasswordHasher, Argon2idHasher>();
        services.AddSingleton<PasswordService>();
        services.AddSingleton<PasswordChangeService>();
        services.AddHostedService<PasswordWarmUp>();
        services.AddSingleton<Storage.ExpiryIndex>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<RevocationService>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<LoginService>();
        services.AddSingleton<KeyAuthenticator>();
        services.AddSingleton<KeyedApi>();
        return services;
    }
}
