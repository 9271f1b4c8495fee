using System.Globalization;

namespace Auth.Functions.Passwords;

/// <summary>The parameters of a PHC-encoded Argon2 hash: <c>$argon2id$v=19$m=19456,t=2,p=1$&lt;salt&gt;$&lt;hash&gt;</c>.</summary>
public readonly record struct PhcParameters(string Algorithm, int Version, int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>Reads the parameters, and checks that the salt and the hash are unpadded base64.</summary>
    public static bool TryParse(string? encoded, out PhcParameters parameters) => TryParse(encoded, out parameters, out _, out _);

    /// <summary>Reads the parameters, the salt and the hash.</summary>
    public static bool TryParse(string? encoded, out PhcParameters parameters, out byte[] salt, out byte[] hash)
    {
        parameters = default;
        salt = hash = [];
        if (string.IsNullOrEmpty(encoded) || encoded.Length > 512)
        {
            return false;
        }

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

        if (m < 8 || t < 1 || p < 1 || m < 8 * p || !TryDecode(parts[4], out salt) || !TryDecode(parts[5], out hash))
        {
            return false;
        }

        parameters = new PhcParameters(parts[1], version, m, t, p);
        return true;
    }

    /// <summary>The PHC string of these parameters with <paramref name="salt"/> and <paramref name="hash"/>.</summary>
    public string Encode(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> hash) => string.Create(CultureInfo.InvariantCulture,
        $"${Algorithm}$v={Version}$m={MemoryKiB},t={Iterations},p={Parallelism}${Encode(salt)}${Encode(hash)}");

    // PHC strings use standard base64 without padding.
    private static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 == 1 || text.AsSpan().ContainsAnyExcept(Base64Alphabet))
        {
            return false;
        }

        var padded = text + new string('=', (4 - text.Length % 4) % 4);
        bytes = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, bytes, out var written))
        {
            return false;
        }

        bytes = bytes[..written];
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> Base64Alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}
