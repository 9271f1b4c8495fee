using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Isopoh.Cryptography.Argon2;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>
/// libsodium's own Argon2 (the native library's <c>crypto_pwhash</c>), called directly: an
/// implementation independent of the app's, to check its PHC strings against. It computes one lane.
/// </summary>
public static partial class LibsodiumArgon2
{
    private const string Library = "libsodium";
    private const int StringBytes = 128; // crypto_pwhash_STRBYTES
    private const int Argon2id13 = 2;    // crypto_pwhash_ALG_ARGON2ID13

    static LibsodiumArgon2()
    {
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialised.");
        }
    }

    /// <summary>A PHC string for <paramref name="password"/> with a fresh 16-byte salt, p = 1.</summary>
    public static string Hash(ReadOnlySpan<byte> password, int iterations, int memoryKiB)
    {
        Span<byte> encoded = stackalloc byte[StringBytes];
        if (crypto_pwhash_str_alg(encoded, password, (ulong)password.Length, (ulong)iterations, (nuint)memoryKiB * 1024, Argon2id13) != 0)
        {
            throw new InvalidOperationException($"libsodium could not hash with m={memoryKiB} KiB, t={iterations}.");
        }

        return System.Text.Encoding.ASCII.GetString(encoded[..encoded.IndexOf((byte)0)]);
    }

    /// <summary>Whether <paramref name="password"/> matches an <c>$argon2i$</c> or <c>$argon2id$</c> PHC string with p = 1.</summary>
    public static bool Verify(string encodedHash, ReadOnlySpan<byte> password)
    {
        Span<byte> encoded = stackalloc byte[StringBytes];
        if (encodedHash.Length >= StringBytes || !System.Text.Ascii.FromUtf16(encodedHash, encoded, out var written).Equals(System.Buffers.OperationStatus.Done))
        {
            return false;
        }

        encoded[written] = 0;
        return crypto_pwhash_str_verify(encoded, password, (ulong)password.Length) == 0;
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_pwhash_str_alg(Span<byte> output, ReadOnlySpan<byte> password, ulong passwordLength, ulong opsLimit, nuint memLimit, int algorithm);

    [LibraryImport(Library)]
    private static partial int crypto_pwhash_str_verify(ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> password, ulong passwordLength);
}

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
