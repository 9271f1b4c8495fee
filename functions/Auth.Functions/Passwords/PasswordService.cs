using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Storage;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Passwords;

/// <summary>
/// Every password hash and verification goes through here: NFKC normalisation, a bound on how many
/// Argon2 computations run at once (each takes its memory), threads of their own to run them on
/// (<see cref="HashingThreads"/>), and a dummy hash so that an unknown email costs the same as a
/// wrong password.
/// </summary>
public sealed class PasswordService : IDisposable
{
    private readonly IPasswordHasher _hasher;
    private readonly PasswordHashingOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly HashingThreads _threads;
    private string? _dummyHash;

    public PasswordService(IPasswordHasher hasher, IOptions<PasswordHashingOptions> options)
    {
        _hasher = hasher;
        _options = options.Value;
        _slots = new SemaphoreSlim(_options.EffectiveConcurrency, _options.EffectiveConcurrency);
        _threads = new HashingThreads(_options.EffectiveConcurrency);
    }

    /// <summary>Passwords are compared as NFKC, never trimmed or case-folded.</summary>
    public static string Normalize(string password) => password.Normalize(NormalizationForm.FormKC);

    /// <summary>
    /// Makes the dummy hash with the current parameters. Called at start-up, where a failure stops the
    /// app: an app that cannot hash would answer unknown emails differently from known ones.
    /// </summary>
    public void WarmUp() => _ = DummyHash;

    /// <summary>Made once; a failure is not kept, so a later call tries again rather than failing forever.</summary>
    private string DummyHash
    {
        get
        {
            if (Volatile.Read(ref _dummyHash) is { } made)
            {
                return made;
            }

            var hash = _hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
            return Interlocked.CompareExchange(ref _dummyHash, hash, null) ?? hash;
        }
    }

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        // Not storage time: a request waiting for a hashing slot must not run out of storage budget.
        using var notStorage = StorageBudget.Exclude();
        var normalized = Normalize(password);
        await AcquireAsync(cancellationToken);
        try
        {
            return await _threads.RunAsync(() => _hasher.Hash(normalized));
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Verifies against <paramref name="storedHash"/>; against the dummy hash, and fails, when there is no
    /// account or its stored hash is corrupt or over the caps, so each of those costs one verification too.
    /// </summary>
    public async Task<PasswordVerification> VerifyAsync(string? storedHash, string password, CancellationToken cancellationToken)
    {
        using var notStorage = StorageBudget.Exclude();
        var normalized = Normalize(password);
        await AcquireAsync(cancellationToken);
        try
        {
            return await _threads.RunAsync(() =>
            {
                if (storedHash is null || !_hasher.IsUsable(storedHash))
                {
                    // Same work as a real verification, so the response time does not reveal the account.
                    _hasher.Verify(DummyHash, normalized);
                    return PasswordVerification.Failed;
                }

                return _hasher.Verify(storedHash, normalized);
            });
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(_options.QueueTimeout, cancellationToken))
        {
            throw new HashingBusyException();
        }
    }

    public void Dispose()
    {
        _threads.Dispose();
        _slots.Dispose();
    }
}
