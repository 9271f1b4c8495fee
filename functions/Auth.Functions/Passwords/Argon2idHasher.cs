using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Passwords;

/// <summary>Argon2id through Isopoh.Cryptography.Argon2, with parameter caps on verification.</summary>
public sealed class Argon2idHasher(IOptions<PasswordHashingOptions> options) : IPasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly PasswordHashingOptions _options = options.Value;

    public string Hash(string password)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            var config = new Argon2Config
            {
                Type = Argon2Type.HybridAddressing, // Argon2id
                Version = Argon2Version.Nineteen,
                MemoryCost = _options.MemoryKiB,
                TimeCost = _options.Iterations,
                Lanes = _options.Parallelism,
                Threads = _options.Parallelism,
                Password = passwordBytes,
                Salt = RandomNumberGenerator.GetBytes(SaltBytes),
                HashLength = HashBytes,
            };
            return Argon2.Hash(config);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    public PasswordVerification Verify(string encodedHash, string password)
    {
        // Read the parameters ourselves first: Isopoh would happily allocate whatever m= says.
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
            if (!Argon2.Verify(encodedHash, passwordBytes, Math.Min(stored.Parallelism, Environment.ProcessorCount)))
            {
                return PasswordVerification.Failed;
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return PasswordVerification.Failed;
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
