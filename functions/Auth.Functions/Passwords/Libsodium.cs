using System.Runtime.InteropServices;

namespace Auth.Functions.Passwords;

/// <summary>
/// libsodium (the native library of the <c>libsodium</c> package), called directly for BLAKE2b,
/// the hash inside Argon2 (<see cref="Argon2Core"/>).
/// </summary>
internal static partial class Libsodium
{
    private const string Library = "libsodium";

    static Libsodium()
    {
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialised.");
        }
    }

    /// <summary>Unkeyed BLAKE2b with an output of 16 to 64 bytes (the output length is a parameter of the hash, not a truncation).</summary>
    public static int Blake2b(Span<byte> output, ReadOnlySpan<byte> input) =>
        crypto_generichash_blake2b(output, (nuint)output.Length, input, (ulong)input.Length, ReadOnlySpan<byte>.Empty, 0);

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_generichash_blake2b(Span<byte> output, nuint outputLength, ReadOnlySpan<byte> input, ulong inputLength, ReadOnlySpan<byte> key, nuint keyLength);
}
