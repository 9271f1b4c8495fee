using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>The key ring for secrets at rest, from Key Vault or a key file, loaded before the app serves.</summary>
    public static IServiceCollection AddSecretKeys(this IServiceCollection services)
    {
        services.AddOptions<SecretKeyOptions>().BindConfiguration(SecretKeyOptions.Section)
            .Validate(o => o.VaultUri is not null || !string.IsNullOrWhiteSpace(o.File),
                $"Set {SecretKeyOptions.Section}__{nameof(SecretKeyOptions.VaultUri)} (a Key Vault, in Azure) or {SecretKeyOptions.Section}__{nameof(SecretKeyOptions.File)} (a local key file): second-factor secrets are encrypted under a key from one of them.")
            .Validate(o => o.VaultUri is null || string.IsNullOrWhiteSpace(o.File),
                $"Set only one of {SecretKeyOptions.Section}__{nameof(SecretKeyOptions.VaultUri)} and {SecretKeyOptions.Section}__{nameof(SecretKeyOptions.File)}.")
            .Validate(o => o.VaultUri is null || o.VaultUri.Scheme == Uri.UriSchemeHttps,
                $"{SecretKeyOptions.Section}__{nameof(SecretKeyOptions.VaultUri)} must be an https URL.")
            .Validate(o => o.RefreshInterval > TimeSpan.Zero, $"{SecretKeyOptions.Section}__{nameof(SecretKeyOptions.RefreshInterval)} must be positive.")
            .ValidateOnStart();
        // A test replaces the client (a stand-in vault); Azure uses the one made here.
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SecretKeyOptions>>().Value;
            return new SecretClient(o.VaultUri!, Identity.AzureCredentials.Create(o.Credential, o.ClientId));
        });
        services.AddSingleton<ISecretKeySource>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SecretKeyOptions>>().Value;
            return o.VaultUri is not null
                ? new KeyVaultSecretKeys(sp.GetRequiredService<SecretClient>(), o.SecretName)
                : new SecretKeyFile(o.File!);
        });
        services.AddSingleton<SecretKeyRing>();
        services.AddHostedService<SecretKeyLoader>();
        return services;
    }
}
