using Azure.Security.KeyVault.Secrets;

namespace Auth.Functions.Secrets;

/// <summary>
/// The Azure key source: every enabled version of one Key Vault secret, read with the app's identity
/// (the Bicep grants it "Key Vault Secrets User" on the vault). A new version is a rotation: it
/// encrypts from the next refresh on, and the older versions still decrypt.
/// </summary>
public sealed class KeyVaultSecretKeys(SecretClient client, string secretName) : ISecretKeySource
{
    public string Setting => $"{SecretKeyOptions.Section}__{nameof(SecretKeyOptions.VaultUri)}";

    public async Task<IReadOnlyList<SecretKey>> LoadAsync(CancellationToken cancellationToken)
    {
        var versions = new List<SecretProperties>();
        await foreach (var version in client.GetPropertiesOfSecretVersionsAsync(secretName, cancellationToken))
        {
            if (version.Enabled == true && version.Version is not null && (version.ExpiresOn is null || version.ExpiresOn > DateTimeOffset.UtcNow))
            {
                versions.Add(version);
            }
        }

        var keys = new List<SecretKey>();
        foreach (var version in versions.OrderBy(v => v.CreatedOn ?? DateTimeOffset.MinValue))
        {
            var secret = await client.GetSecretAsync(secretName, version.Version, cancellationToken);
            keys.Add(SecretKeyRing.Parse(version.Version, secret.Value.Value, $"the Key Vault secret '{secretName}'"));
        }

        return keys;
    }
}
