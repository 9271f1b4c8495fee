using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Storage;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Passwords;

/// <summary>No hashing slot freed up in time: the caller answers 429 rather than queueing unbounded work.</summary>
public sealed class HashingBusyException() : Http.ServiceBusyException("All password-hashing slots are busy.", TimeSpan.FromSeconds(1));

/// <summary>
/// Every password hash and verification goes through here: NFKC normalisation, a bound on how many
/// Argon2 computations (each ~19 MiB) run at once, and a dummy hash so that an unknown email costs
/// the same as a wrong password.
/// </summary>
public sealed class PasswordService : IDisposable
{
    private readonly IPasswordHasher _hasher;
    private readonly PasswordHashingOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly Lazy<string> _dummyHash;

    public PasswordService(IPasswordHasher hasher, IOptions<PasswordHashingOptions> options)
    {
        _hasher = hasher;
        _options = options.Value;
        _slots = new SemaphoreSlim(_options.EffectiveConcurrency, _options.EffectiveConcurrency);
        _dummyHash = new Lazy<string>(
            () => _hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Passwords are compared as NFKC, never trimmed or case-folded.</summary>
    public static string Normalize(string password) => password.Normalize(NormalizationForm.FormKC);

    /// <summary>Made once, with the current parameters, before the first login needs it.</summary>
    public void WarmUp() => _ = _dummyHash.Value;

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        // Not storage time: a request waiting for a hashing slot must not run out of storage budget.
        using var notStorage = StorageBudget.Exclude();
        var normalized = Normalize(password);
        await AcquireAsync(cancellationToken);
        try
        {
            return _hasher.Hash(normalized);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Verifies against <paramref name="storedHash"/>, or against the dummy hash when there is no account.</summary>
    public async Task<PasswordVerification> VerifyAsync(string? storedHash, string password, CancellationToken cancellationToken)
    {
        using var notStorage = StorageBudget.Exclude();
        var normalized = Normalize(password);
        await AcquireAsync(cancellationToken);
        try
        {
            if (storedHash is null)
            {
                // Same work as a real verification, so the response time does not reveal the account.
                _hasher.Verify(_dummyHash.Value, normalized);
                return PasswordVerification.Failed;
            }

            return _hasher.Verify(storedHash, normalized);
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

    public void Dispose() => _slots.Dispose();
}

internal sealed class PasswordWarmUp(PasswordService passwords) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        passwords.WarmUp();
    }
}
