namespace Auth.Functions.Passwords;

public static class PasswordsServiceCollectionExtensions
{
    /// <summary>Password hashing: bounded, and its dummy hash made before the app takes requests.</summary>
    public static IServiceCollection AddPasswords(this IServiceCollection services)
    {
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section)
            .Validate(o => o.MemoryKiB >= 8 && o.Iterations >= 1 && o.MaxParallelism >= 1
                    && o.MemoryKiB <= o.MaxMemoryKiB && o.Iterations <= o.EffectiveMaxIterations,
                $"{PasswordHashingOptions.Section}: MemoryKiB (8 or more) and Iterations (1 or more) must be within MaxMemoryKiB and MaxIterations.")
            .ValidateOnStart();
        services.AddSingleton<IPasswordHasher, Argon2idHasher>();
        services.AddSingleton<PasswordService>();
        services.AddHostedService<PasswordWarmUp>();
        return services;
    }
}
