using System.Security.Cryptography;
using System.Text;

namespace Auth.Functions.Secrets;

/// <summary>
/// The keys that protect secrets at rest, kept in memory and never in the table store. Loaded before the
/// app serves (a missing or unreadable key stops start-up, naming the setting); read again every
/// <see cref="SecretKeyOptions.RefreshInterval"/>, and at once (at most once a minute) when a stored
/// value names a key this instance has not seen, which is how another instance's rotation arrives.
/// </summary>
public sealed partial class SecretKeyRing(ISecretKeySource source, TimeProvider clock, Microsoft.Extensions.Options.IOptions<SecretKeyOptions> options, ILogger<SecretKeyRing> logger) : IDisposable
{
    public const int KeyBytes = 32;
    private static readonly TimeSpan MinReloadGap = TimeSpan.FromMinutes(1);

    private volatile IReadOnlyList<SecretKey> _keys = [];
    private DateTimeOffset _loaded = DateTimeOffset.MinValue;
    private readonly SemaphoreSlim _loading = new(1, 1);

    public void Dispose() => _loading.Dispose();

    /// <summary>The key new values are sealed with.</summary>
    public SecretKey Current
    {
        get
        {
            var keys = _keys;
            if (keys.Count == 0)
            {
                throw new InvalidOperationException("The secret keys are not loaded yet.");
            }

            if (clock.GetUtcNow() - _loaded >= options.Value.RefreshInterval)
            {
                _ = RefreshInBackgroundAsync();
            }

            return keys[^1];
        }
    }

    /// <summary>The key with this id, reading the source again if it is new to this instance; null if it does not exist.</summary>
    public async ValueTask<SecretKey?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (Find(_keys, id) is { } known)
        {
            return known;
        }

        if (clock.GetUtcNow() - _loaded >= MinReloadGap)
        {
            await LoadAsync(cancellationToken);
        }

        return Find(_keys, id);
    }

    private static SecretKey? Find(IReadOnlyList<SecretKey> keys, string id)
    {
        foreach (var key in keys)
        {
            if (key.Id == id)
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>Reads the keys from the source; fails with a message naming the setting to fix.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            IReadOnlyList<SecretKey> keys;
            try
            {
                keys = await source.LoadAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new InvalidOperationException($"The secret encryption keys could not be read ({e.GetType().Name}: {e.Message}). Check {source.Setting}.", e);
            }

            if (keys.Count == 0)
            {
                throw new InvalidOperationException($"No secret encryption key was found. Check {source.Setting}.");
            }

            _keys = keys;
            _loaded = clock.GetUtcNow();
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        if (!_loading.Wait(0))
        {
            return; // A load is under way.
        }

        _loading.Release();
        try
        {
            await LoadAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The keys already loaded keep working; the next use tries again.
            _loaded = clock.GetUtcNow();
            LogRefreshFailed(logger, e, source.Setting);
        }
    }

    /// <summary>A key as a source holds it: base64 of exactly 256 bits.</summary>
    public static SecretKey Parse(string? id, string? base64, string where)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            throw new FormatException($"A key in {where} has no id (lines are id:base64).");
        }

        var material = new byte[KeyBytes];
        if (base64 is null || !Convert.TryFromBase64String(base64.Trim(), material, out var written) || written != KeyBytes)
        {
            throw new FormatException($"The key '{id}' in {where} is not base64 of {KeyBytes} bytes.");
        }

        return new SecretKey(id, material);
    }

    /// <summary>A key for one purpose derived from a ring key (HKDF-SHA256), so no two uses share key material.</summary>
    public static byte[] Derive(SecretKey key, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key.Material, KeyBytes, info: Encoding.UTF8.GetBytes(purpose));

    [LoggerMessage(EventId = 1099, Level = LogLevel.Error, Message = "The secret encryption keys could not be read again; the ones loaded stay in use. Check {Setting}.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string setting);
}
