namespace Auth.Functions.Email;

public static class LinkEmailOptionsRegistration
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/>; a bad value stops start-up with a message naming the section.</summary>
    public static IServiceCollection AddLinkEmailOptions<T>(this IServiceCollection services, string section)
        where T : LinkEmailOptions
    {
        services.AddOptions<T>().BindConfiguration(section)
            .Validate(o => o.IsValid(), $"{section}: TokenLifetime, MaxPerAccountPerHour and MaxPerMinute must be positive, MinIntervalPerAccount not negative.")
            .ValidateOnStart();
        return services;
    }
}
