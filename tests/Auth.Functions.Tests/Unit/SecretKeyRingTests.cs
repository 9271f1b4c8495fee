using System.Security.Cryptography;
using Auth.Functions.Mfa;
using Auth.Functions.Secrets;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Tests.Unit;

/// <summary>The keys that protect secrets at rest: a local key file, and Key Vault through its REST API (a stand-in).</summary>
public sealed class SecretKeyRingTests
{
    private static SecretKeyRing Ring(ISecretKeySource source) =>
        new(source, TimeProvider.System, Options.Create(new SecretKeyOptions()), NullLogger<SecretKeyRing>.Instance);

    private static string NewKeyFilePath() => Path.Combine(Directory.CreateTempSubdirectory("keys-").FullName, "data", "secret-keys");

    [Fact]
    public async Task AMissingKeyFileIsMadeWithOneKeyThatOnlyItsOwnerCanRead()
    {
        var path = NewKeyFilePath();
        using var ring = Ring(new SecretKeyFile(path));

        await ring.LoadAsync(CancellationToken.None);

        Assert.True(File.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(SecretKeyRing.KeyBytes, ring.Current.Material.Length);
        // Started again, it reads the same key rather than making a new one.
        using var again = Ring(new SecretKeyFile(path));
        await again.LoadAsync(CancellationToken.None);
        Assert.Equal(ring.Current.Id, again.Current.Id);
        Assert.Equal(ring.Current.Material, again.Current.Material);
    }

    [Fact]
    public async Task AKeyAppendedToTheFileEncryptsFromTheNextLoadAndTheOldOneStillDecrypts()
    {
        var path = NewKeyFilePath();
        using var ring = Ring(new SecretKeyFile(path));
        await ring.LoadAsync(CancellationToken.None);
        var old = ring.Current;
        var sealedValue = SecretBox.Seal(old, "a secret"u8, "totp:user-1");

        await File.AppendAllTextAsync(path, $"k2:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n");
        await ring.LoadAsync(CancellationToken.None);

        Assert.Equal("k2", ring.Current.Id);
        var found = await ring.FindAsync(old.Id, CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal("a secret"u8.ToArray(), SecretBox.Open(found, sealedValue, "totp:user-1"));
    }

    [Theory]
    [InlineData("just some text\n", "no id")]
    [InlineData("k1:not base64!\n", "not base64")]
    [InlineData("k1:AAAA\n", "not base64 of 32 bytes")]
    [InlineData("# only a comment\n", "No secret encryption key")]
    public async Task AKeyFileThatHoldsNoUsableKeyStopsTheLoadNamingTheSetting(string content, string reason)
    {
        var path = NewKeyFilePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content);
        using var ring = Ring(new SecretKeyFile(path));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ring.LoadAsync(CancellationToken.None));

        Assert.Contains("SecretKeys__File", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASealedValueOpensOnlyWithItsKeyAndItsContext()
    {
        var key = new SecretKey("k1", RandomNumberGenerator.GetBytes(32));
        var other = new SecretKey("k2", RandomNumberGenerator.GetBytes(32));
        var sealedValue = SecretBox.Seal(key, "the secret"u8, "totp:alice");

        Assert.Equal("the secret"u8.ToArray(), SecretBox.Open(key, sealedValue, "totp:alice"));
        Assert.Null(SecretBox.Open(key, sealedValue, "totp:mallory")); // copied to another account's row
        Assert.Null(SecretBox.Open(other, sealedValue, "totp:alice"));
        sealedValue[20] ^= 1;
        Assert.Null(SecretBox.Open(key, sealedValue, "totp:alice"));
        Assert.Null(SecretBox.Open(key, new byte[10], "totp:alice"));
        // A fresh nonce each time: the same secret never seals to the same bytes.
        Assert.NotEqual(SecretBox.Seal(key, "x"u8, "c"), SecretBox.Seal(key, "x"u8, "c"));
    }

    [Fact]
    public async Task TheVaultsEnabledVersionsAreTheKeysReadWithABearerTokenForTheVaultScope()
    {
        await using var vault = await KeyVaultStandIn.StartAsync();
        var first = vault.AddVersion("secret-encryption-key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        vault.AddVersion("secret-encryption-key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), enabled: false);
        using var ring = Ring(new KeyVaultSecretKeys(vault.Client(), "secret-encryption-key"));

        await ring.LoadAsync(CancellationToken.None);

        Assert.Equal(first, ring.Current.Id);
        Assert.Equal([KeyVaultStandIn.Scope], vault.ScopesAsked.Distinct());
        // The first request went without a token and met the challenge; every other carried the vault's token.
        var requests = vault.Requests.ToList();
        Assert.EndsWith(" ", requests[0], StringComparison.Ordinal);
        Assert.All(requests.Skip(1), r => Assert.EndsWith("Bearer " + KeyVaultStandIn.Token, r, StringComparison.Ordinal));
        Assert.Contains(requests, r => r.StartsWith("GET /secrets/secret-encryption-key/versions?api-version=", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.StartsWith($"GET /secrets/secret-encryption-key/{first}?api-version=", StringComparison.Ordinal));

        // A new version is a rotation: it encrypts from the next load, and the first still decrypts.
        var sealedValue = SecretBox.Seal(ring.Current, "s"u8, "c");
        var second = vault.AddVersion("secret-encryption-key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        await ring.LoadAsync(CancellationToken.None);
        Assert.Equal(second, ring.Current.Id);
        Assert.Equal("s"u8.ToArray(), SecretBox.Open((await ring.FindAsync(first, CancellationToken.None))!, sealedValue, "c"));
    }

    [Fact]
    public async Task AVaultWithoutTheSecretStopsTheLoadNamingTheSetting()
    {
        await using var vault = await KeyVaultStandIn.StartAsync();
        using var ring = Ring(new KeyVaultSecretKeys(vault.Client(), "secret-encryption-key"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ring.LoadAsync(CancellationToken.None));

        Assert.Contains("SecretKeys__VaultUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecoveryCodesMatchWhateverTheirCaseAndDashesAndAUsedOneIsCutOut()
    {
        var key = new SecretKey("k1", RandomNumberGenerator.GetBytes(32));
        var (codes, hashes) = RecoveryCodes.Generate(key);

        Assert.Equal(3, RecoveryCodes.IndexOf(key, hashes, codes[3]));
        Assert.Equal(3, RecoveryCodes.IndexOf(key, hashes, codes[3].ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal)));
        Assert.Equal(-1, RecoveryCodes.IndexOf(new SecretKey("k2", RandomNumberGenerator.GetBytes(32)), hashes, codes[3]));
        Assert.Equal(-1, RecoveryCodes.IndexOf(key, hashes, codes[3] + "A"));
        var left = RecoveryCodes.Without(hashes, 3);
        Assert.Equal(-1, RecoveryCodes.IndexOf(key, left, codes[3]));
        Assert.Equal(3, RecoveryCodes.IndexOf(key, left, codes[4]));
    }
}
