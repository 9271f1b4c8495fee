using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Passwords;

/// <summary>
/// Argon2id with parameter caps on verification. libsodium computes every hash with one lane (the
/// default, p = 1): it runs about three times faster than Isopoh and allocates only the Argon2 memory
/// (bench/RESULTS.md). Isopoh remains for what libsodium cannot do: hashing with p &gt; 1 when so
/// configured, and verifying stored hashes with p &gt; 1, of the argon2d variant, or longer than
/// libsodium's 128-byte string buffer (a long hash output from another implementation).
/// </summary>
public sealed class Argon2idHasher(IOptions<PasswordHashingOptions> options) : IPasswordHasher
{
    private readonly PasswordHashingOptions _options = options.Value;

    public string Hash(string password)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return _options.Parallelism == 1
                ? Libsodium.HashArgon2id(passwordBytes, _options.Iterations, _options.MemoryKiB)
                : IsopohArgon2.Hash(passwordBytes, _options.Iterations, _options.MemoryKiB, _options.Parallelism);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    public PasswordVerification Verify(string encodedHash, string password)
    {
        // Read the parameters ourselves first: neither library may allocate whatever m= says.
        if (!PhcParameters.TryParse(encodedHash, out var stored)
            || stored.MemoryKiB > _options.MaxMemoryKiB
            || stored.Iterations > _options.MaxIterations
            || stored.Parallelism > _options.MaxParallelism)
        {
            return PasswordVerification.Failed;
        }

        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            var matches = stored.Parallelism == 1 && stored.Algorithm != "argon2d" && Libsodium.Fits(encodedHash)
                ? Libsodium.Verify(encodedHash, passwordBytes)
                : IsopohArgon2.Verify(encodedHash, passwordBytes, stored.Parallelism);
            if (!matches)
            {
                return PasswordVerification.Failed;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }

        var weaker = stored.Algorithm != "argon2id"
            || stored.Version != 19
            || stored.MemoryKiB < _options.MemoryKiB
            || stored.Iterations < _options.Iterations;
        return weaker ? PasswordVerification.SucceededRehashNeeded : PasswordVerification.Succeeded;
    }
}

/// <summary>Argon2 through Isopoh.Cryptography.Argon2 (managed): any lane count and variant.</summary>
internal static class IsopohArgon2
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(byte[] password, int iterations, int memoryKiB, int parallelism) =>
        Argon2.Hash(new Argon2Config
        {
            Type = Argon2Type.HybridAddressing, // Argon2id
            Version = Argon2Version.Nineteen,
            MemoryCost = memoryKiB,
            TimeCost = iterations,
            Lanes = parallelism,
            Threads = parallelism,
            Password = password,
            Salt = RandomNumberGenerator.GetBytes(SaltBytes),
            HashLength = HashBytes,
        });

    public static bool Verify(string encodedHash, byte[] password, int parallelism)
    {
        try
        {
            return Argon2.Verify(encodedHash, password, Math.Min(parallelism, Environment.ProcessorCount));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return false;
        }
    }
}

/// <summary>The parameters of a PHC-encoded Argon2 hash.</summary>
public readonly record struct PhcParameters(string Algorithm, int Version, int MemoryKiB, int Iterations, int Parallelism)
{
    public static bool TryParse(string? encoded, out PhcParameters parameters)
    {
        parameters = default;
        if (string.IsNullOrEmpty(encoded) || encoded.Length > 512)
        {
            return false;
        }

        // $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
        var parts = encoded.Split('$');
        if (parts.Length != 6 || parts[0].Length != 0 || parts[1] is not ("argon2id" or "argon2i" or "argon2d"))
        {
            return false;
        }

        if (!parts[2].StartsWith("v=", StringComparison.Ordinal)
            || !int.TryParse(parts[2].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        int m = -1, t = -1, p = -1;
        foreach (var pair in parts[3].Split(','))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            switch (kv[0])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return false;
            }
        }

        if (m < 8 || t < 1 || p < 1 || m < 8 * p || parts[4].Length == 0 || parts[5].Length == 0)
        {
            return false;
        }

        parameters = new PhcParameters(parts[1], version, m, t, p);
        return true;
    }
}
