using System.Runtime.InteropServices;

namespace Auth.Functions.Passwords;

/// <summary>
/// libsodium's Argon2id (<c>crypto_pwhash_str_alg</c> / <c>crypto_pwhash_str_verify</c>), from the
/// native library of the <c>libsodium</c> package: an industry-validated implementation (OWASP ASVS
/// 5.0, 11.2.1). It writes and reads standard PHC strings with one lane, version 1.3.
/// </summary>
internal static partial class Libsodium
{
    private const string Library = "libsodium";

    /// <summary><c>crypto_pwhash_STRBYTES</c>: the buffer a PHC string is written into, terminator included.</summary>
    private const int StringBytes = 128;

    /// <summary><c>crypto_pwhash_ALG_ARGON2ID13</c>.</summary>
    private const int Argon2id13 = 2;

    static Libsodium()
    {
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialised.");
        }
    }

    /// <summary>An argon2id v1.3 PHC string with a fresh 16-byte salt and a 32-byte tag.</summary>
    public static string Hash(ReadOnlySpan<byte> password, int iterations, int memoryKiB)
    {
        Span<byte> encoded = stackalloc byte[StringBytes];
        if (crypto_pwhash_str_alg(encoded, password, (ulong)password.Length, (ulong)iterations, (nuint)memoryKiB * 1024, Argon2id13) != 0)
        {
            // libsodium fails only when it cannot allocate m or the parameters are out of its range.
            throw new InvalidOperationException($"libsodium could not hash with m={memoryKiB} KiB, t={iterations}.");
        }

        return System.Text.Encoding.ASCII.GetString(encoded[..encoded.IndexOf((byte)0)]);
    }

    /// <summary>Whether <paramref name="password"/> matches an argon2id or argon2i v1.3 PHC string with one lane.</summary>
    public static bool Verify(string encodedHash, ReadOnlySpan<byte> password)
    {
        Span<byte> encoded = stackalloc byte[StringBytes];
        if (encodedHash.Length >= StringBytes
            || System.Text.Ascii.FromUtf16(encodedHash, encoded, out var written) != System.Buffers.OperationStatus.Done)
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
