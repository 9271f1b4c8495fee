using System.Security.Cryptography;
using System.Text;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Passwords;

/// <summary>
/// Argon2 in standard PHC strings, computed by validated libraries only. New hashes, and every hash
/// libsodium can verify (argon2id or argon2i, version 1.3, one lane), go to libsodium; what it refuses
/// (argon2d, version 1.0, several lanes: hashes made elsewhere and imported) goes to
/// Isopoh.Cryptography.Argon2, and is re-hashed by libsodium at the next login. Parameters read from a
/// stored hash are checked against the caps before either library sees them.
/// </summary>
public sealed class Argon2idHasher(IOptions<PasswordHashingOptions> options) : IPasswordHasher
{
    // What a stored hash may have: RFC 9106's minimum salt, and tags of 16 to 128 bytes.
    private const int MinSaltBytes = 8;
    private const int MaxSaltBytes = 64;
    private const int MinHashBytes = 16;
    private const int MaxHashBytes = 128;

    private readonly PasswordHashingOptions _options = options.Value;

    public string Hash(string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Libsodium.Hash(bytes, _options.Iterations, _options.MemoryKiB);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public bool IsUsable(string? encodedHash) => Usable(encodedHash, out _);

    public PasswordVerification Verify(string encodedHash, string password)
    {
        if (!Usable(encodedHash, out var stored))
        {
            return PasswordVerification.Failed;
        }

        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            var matches = LibsodiumVerifies(stored, encodedHash)
                ? Libsodium.Verify(encodedHash, bytes)
                : Argon2.Verify(encodedHash, bytes, Math.Min(stored.Parallelism, Environment.ProcessorCount));
            if (!matches)
            {
                return PasswordVerification.Failed;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        var weaker = stored.Algorithm != "argon2id"
            || stored.Version != 19
            || stored.Parallelism != 1
            || stored.MemoryKiB < _options.MemoryKiB
            || stored.Iterations < _options.Iterations;
        return weaker ? PasswordVerification.SucceededRehashNeeded : PasswordVerification.Succeeded;
    }

    /// <summary>
    /// A well-formed PHC string within the caps. Read before anything is allocated: a tampered row
    /// with a huge <c>m=</c> never reaches a library.
    /// </summary>
    private bool Usable(string? encodedHash, out PhcParameters stored) =>
        PhcParameters.TryParse(encodedHash, out stored, out var salt, out var tag)
        && stored.Version is 19 or 16
        && stored.MemoryKiB <= _options.MaxMemoryKiB
        && stored.Iterations <= _options.EffectiveMaxIterations
        && (long)stored.MemoryKiB * stored.Iterations <= _options.MaxWork
        && stored.Parallelism <= _options.MaxParallelism
        && salt.Length is >= MinSaltBytes and <= MaxSaltBytes
        && tag.Length is >= MinHashBytes and <= MaxHashBytes;

    /// <summary>What libsodium's verifier takes: argon2id or argon2i, version 1.3, one lane, a string that fits its buffer.</summary>
    private static bool LibsodiumVerifies(PhcParameters stored, string encodedHash) =>
        stored.Algorithm is "argon2id" or "argon2i" && stored.Version == 19 && stored.Parallelism == 1 && encodedHash.Length < 128;
}
