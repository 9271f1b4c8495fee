using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Secrets;

namespace Auth.Functions.Mfa;

/// <summary>
/// Ten single-use codes for when the authenticator is lost: 12 characters from a 32-letter alphabet
/// without look-alikes (60 bits), shown as <c>XXXX-XXXX-XXXX</c>. Stored as HMAC-SHA256 under a ring
/// key (not a bare hash: 60 bits would not stand up to an offline search of a table dump).
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;
    public const int HashBytes = 32;
    private const int Length = 12;
    private const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Purpose = "recovery-codes";

    /// <summary>New codes to show once, and their packed hashes to store.</summary>
    public static (string[] Codes, byte[] Hashes) Generate(SecretKey key)
    {
        var codes = new string[Count];
        var hashes = new byte[Count * HashBytes];
        var mac = SecretKeyRing.Derive(key, Purpose);
        for (var i = 0; i < Count; i++)
        {
            var raw = RandomNumberGenerator.GetString(Alphabet, Length);
            codes[i] = $"{raw[..4]}-{raw[4..8]}-{raw[8..]}";
            HMACSHA256.HashData(mac, Encoding.ASCII.GetBytes(raw), hashes.AsSpan(i * HashBytes, HashBytes));
        }

        return (codes, hashes);
    }

    /// <summary>
    /// The position of the code among the stored hashes, or -1. Case, spaces and dashes do not matter;
    /// every stored hash is compared (in constant time), wherever the match is.
    /// </summary>
    public static int IndexOf(SecretKey key, byte[] hashes, string code)
    {
        var normalized = new StringBuilder(Length);
        foreach (var c in code)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            var upper = char.ToUpperInvariant(c);
            if (Alphabet.IndexOf(upper, StringComparison.Ordinal) < 0 || normalized.Length == Length)
            {
                return -1;
            }

            normalized.Append(upper);
        }

        if (normalized.Length != Length)
        {
            return -1;
        }

        Span<byte> hash = stackalloc byte[HashBytes];
        HMACSHA256.HashData(SecretKeyRing.Derive(key, Purpose), Encoding.ASCII.GetBytes(normalized.ToString()), hash);
        var found = -1;
        for (var i = 0; i < hashes.Length / HashBytes; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, hashes.AsSpan(i * HashBytes, HashBytes)))
            {
                found = i;
            }
        }

        return found;
    }

    /// <summary>The stored hashes without the one at <paramref name="index"/>.</summary>
    public static byte[] Without(byte[] hashes, int index) =>
        [.. hashes.AsSpan(0, index * HashBytes), .. hashes.AsSpan((index + 1) * HashBytes)];
}
