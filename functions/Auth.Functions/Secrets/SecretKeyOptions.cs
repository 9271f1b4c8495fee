namespace Auth.Functions.Secrets;

/// <summary>
/// Where the keys that encrypt secrets at rest come from (<c>SecretKeys__…</c>): a Key Vault secret in
/// Azure, or a key file for local runs. Exactly one must be set, or the app does not start.
/// </summary>
public sealed class SecretKeyOptions
{
    public const string Section = "SecretKeys";

    /// <summary>The vault (<c>https://{name}.vault.azure.net/</c>), read with the app's managed identity.</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>The vault secret whose enabled versions are the keys (each a base64 256-bit key); the newest encrypts.</summary>
    public string SecretName { get; set; } = "secret-encryption-key";

    /// <summary>A local key file (one <c>id:base64key</c> per line, the last encrypts), made with one key if missing.</summary>
    public string? File { get; set; }

    /// <summary>How often the vault is read again for a new version (a rotation).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The <c>credential</c>/<c>clientId</c> pair for the vault, as for storage (<c>managedidentity</c> in Azure).</summary>
    public string? Credential { get; set; }

    public string? ClientId { get; set; }
}
