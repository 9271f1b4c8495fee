using System.Security.Cryptography;
using Isopoh.Cryptography.Argon2;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>Isopoh.Cryptography.Argon2 (managed): a second independent implementation, with every variant, version and lane count.</summary>
public static class IsopohArgon2
{
    public static string Hash(
        byte[] password, int iterations, int memoryKiB, int parallelism,
        Argon2Type type = Argon2Type.HybridAddressing, Argon2Version version = Argon2Version.Nineteen, int hashBytes = 32, int saltBytes = 16) =>
        Argon2.Hash(new Argon2Config
        {
            Type = type,
            Version = version,
            MemoryCost = memoryKiB,
            TimeCost = iterations,
            Lanes = parallelism,
            Threads = parallelism,
            Password = password,
            Salt = RandomNumberGenerator.GetBytes(saltBytes),
            HashLength = hashBytes,
        });

    public static bool Verify(string encodedHash, byte[] password, int parallelism) =>
        Argon2.Verify(encodedHash, password, Math.Min(parallelism, Environment.ProcessorCount));
}
