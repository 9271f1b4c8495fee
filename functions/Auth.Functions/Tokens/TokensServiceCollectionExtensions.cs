namespace Auth.Functions.Tokens;

public static class TokensServiceCollectionExtensions
{
    /// <summary>Session and API keys: storing, validating (and the keyed pipeline) and revoking them; the single-use links emails carry.</summary>
    public static IServiceCollection AddTokens(this IServiceCollection services)
    {
        services.AddSingleton<TokenStore>();
        services.AddSingleton<RevocationService>();
        services.AddSingleton<KeyAuthenticator>();
        services.AddSingleton<AdminKeyStore>();
        services.AddSingleton<KeyedApi>();
        services.AddSingleton<LeakedKeys>();
        services.AddSingleton<EmailLinkStore>();
        services.AddSingleton<LinkEmails>();
        return services;
    }
}
