using System.Runtime.InteropServices;

namespace Auth.Functions.Passwords;

/// <summary>
/// libsodium's Argon2id (the native library of the <c>libsodium</c> package), called directly:
/// the wrappers served here either refuse t &lt; 3 (Sodium.Core's string API) or offer no PHC
/// strings (NSec). libsodium computes one lane (p = 1) and writes standard PHC strings.
/// </summary>
internal static partial class Libsodium
{
    private const string Library = "libsodium";
    private const int StringBytes = 128; // crypto_pwhash_STRBYTES
    private const int Argon2id13 = 2;    // crypto_pwhash_ALG_ARGON2ID13

    static Libsodium()
    {
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialised.");
        }
    }

    /// <summary>A PHC string for <paramref name="password"/> with a fresh 16-byte salt, p = 1.</summary>
    public static string HashArgon2id(ReadOnlySpan<byte> password, int iterations, int memoryKiB)
    {
        Span<byte> encoded = stackalloc byte[StringBytes];
        if (crypto_pwhash_str_alg(encoded, password, (ulong)password.Length, (ulong)iterations, (nuint)memoryKiB * 1024, Argon2id13) != 0)
        {
            // Out of memory, or parameters outside libsodium's limits.
            throw new InvalidOperationException($"libsodium could not hash with m={memoryKiB} KiB, t={iterations}.");
        }

        return System.Text.Encoding.ASCII.GetString(encoded[..encoded.IndexOf((byte)0)]);
    }

    /// <summary>Whether libsodium can read the string: ASCII, and shorter than its 128-byte buffer.</summary>
    public static bool Fits(string encodedHash) => encodedHash.Length < StringBytes && System.Text.Ascii.IsValid(encodedHash);

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
