using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Passwords;

/// <summary>
/// Argon2id (RFC 9106) in standard PHC strings, with parameter caps on verification. Every hash and
/// verification is computed by <see cref="Argon2Core"/> into work memory kept between hashes
/// (<see cref="Argon2Memory"/>): any variant (id, i, d), version 1.3 or 1.0, and any lane count, so
/// hashes from other implementations verify here and ours verify there (tested against libsodium,
/// Isopoh and a known answer of the reference code). bench/RESULTS.md has why it is not libsodium's.
/// </summary>
public sealed class Argon2idHasher : IPasswordHasher, IDisposable
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // What a stored hash may have. BLAKE2b gives 16 to 64 bytes in one call (longer outputs are chained),
    // and a salt under 8 bytes is outside RFC 9106.
    private const int MinSaltBytes = 8;
    private const int MaxSaltBytes = 64;
    private const int MinHashBytes = 16;
    private const int MaxHashBytes = 128;

    private readonly PasswordHashingOptions _options;
    private readonly Argon2Memory _memory;

    public Argon2idHasher(IOptions<PasswordHashingOptions> options)
    {
        _options = options.Value;
        // One block of today's size per hashing slot is kept; stored hashes of other sizes borrow and return.
        _memory = new Argon2Memory(Argon2Core.BlockCount(_options.MemoryKiB, _options.Parallelism), _options.EffectiveConcurrency);
    }

    public string Hash(string password)
    {
        var parameters = new PhcParameters("argon2id", 19, _options.MemoryKiB, _options.Iterations, _options.Parallelism);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return parameters.Encode(salt, Compute(parameters, password, salt, HashBytes));
    }

    public PasswordVerification Verify(string encodedHash, string password)
    {
        // Read the parameters first: nothing is allocated for whatever m= says until it passes the caps.
        if (!PhcParameters.TryParse(encodedHash, out var stored, out var salt, out var expected)
            || stored.Version is not (19 or 16)
            || stored.MemoryKiB > _options.MaxMemoryKiB
            || stored.Iterations > _options.MaxIterations
            || stored.Parallelism > _options.MaxParallelism
            || salt.Length is < MinSaltBytes or > MaxSaltBytes
            || expected.Length is < MinHashBytes or > MaxHashBytes)
        {
            return PasswordVerification.Failed;
        }

        var actual = Compute(stored, password, salt, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerification.Failed;
        }

        var weaker = stored.Algorithm != "argon2id"
            || stored.Version != 19
            || stored.MemoryKiB < _options.MemoryKiB
            || stored.Iterations < _options.Iterations;
        return weaker ? PasswordVerification.SucceededRehashNeeded : PasswordVerification.Succeeded;
    }

    private unsafe byte[] Compute(PhcParameters parameters, string password, byte[] salt, int hashBytes)
    {
        var variant = parameters.Algorithm switch
        {
            "argon2id" => Argon2Variant.Argon2id,
            "argon2i" => Argon2Variant.Argon2i,
            _ => Argon2Variant.Argon2d,
        };
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            using var memory = _memory.Rent(Argon2Core.BlockCount(parameters.MemoryKiB, parameters.Parallelism));
            var hash = new byte[hashBytes];
            Argon2Core.Hash(
                variant, parameters.Version == 19 ? Argon2Core.Version13 : Argon2Core.Version10,
                parameters.MemoryKiB, parameters.Iterations, parameters.Parallelism,
                passwordBytes, salt, secret: default, associated: default, memory.Memory, hash);
            return hash;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    public void Dispose() => _memory.Dispose();
}
