namespace Auth.Functions.Passwords;

public static class PasswordsServiceCollectionExtensions
{
    /// <summary>Password hashing: bounded, and warmed up at start-up.</summary>
    public static IServiceCollection AddPasswords(this IServiceCollection services)
    {
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section)
            .Validate(o => o.MemoryKiB >= 8 * o.Parallelism && o.Iterations >= 1 && o.Parallelism >= 1
                    && o.MemoryKiB <= o.MaxMemoryKiB && o.Iterations <= o.MaxIterations && o.Parallelism <= o.MaxParallelism,
                $"{PasswordHashingOptions.Section}: parameters must be positive and within their Max* caps.").ValidateOnStart();
        services.AddSingleton<IPasswordHasher, Argon2idHasher>();
        services.AddSingleton<PasswordService>();
        services.AddHostedService<PasswordWarmUp>();
        return services;
    }
}
