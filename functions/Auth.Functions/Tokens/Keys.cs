using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Auth.Functions.Tokens;

public enum KeyKind
{
    Session,
    Api,
    Reset,
    Verification,
    /// <summary>A second-factor ticket: what a login whose password verified gets while a code is still due.</summary>
    Mfa,
    /// <summary>An admin key: the app's backend on <c>/api/admin/*</c>, and nowhere else.</summary>
    Admin,
    /// <summary>A begun passkey ceremony: it finishes that ceremony, once, and does nothing else.</summary>
    Ceremony,
    /// <summary>The <c>state</c> of a sign-in at an external provider: it finishes that sign-in, once.</summary>
    ExternalState,
    /// <summary>What an external sign-in hands the app (with its PKCE verifier): one session, once, within a minute.</summary>
    ExchangeCode,
}

/// <summary>A key whose format and checksum are valid; whether it is live is for storage to say.</summary>
public readonly record struct ParsedKey(KeyKind Kind, string UserId, string TokenId);

/// <summary>
/// Key format: <c>{prefix}{base64url(userId[16] | tokenId[16] | secret[32] | check[4])}</c>.
/// <list type="bullet">
/// <item>The prefix names the kind (<c>afs_sess_</c>, <c>afs_api_</c>, <c>afs_reset_</c>, <c>afs_verify_</c>, <c>afs_mfa_</c>, <c>afs_admin_</c>, <c>afs_pkc_</c>, <c>afs_xst_</c>, <c>afs_xcode_</c>) so secret scanners can
/// find leaked keys and one kind can never be used as another.</item>
/// <item>The ids let validation be a single point read (PartitionKey = user, RowKey = token).</item>
/// <item>The secret is 256 bits from the OS CSPRNG; only SHA-256 of the whole key is stored.</item>
/// <item>The check (4 bytes of SHA-256 over prefix and payload) rejects junk and typos with no storage read.</item>
/// </list>
/// </summary>
public static class Keys
{
    private const int IdBytes = 16;
    private const int SecretBytes = 32;
    private const int CheckBytes = 4;
    private const int PayloadBytes = IdBytes * 2 + SecretBytes + CheckBytes;
    private static readonly int EncodedLength = Base64Url.GetEncodedLength(PayloadBytes);

    public static string PrefixOf(KeyKind kind) => kind switch
    {
        KeyKind.Session => "afs_sess_",
        KeyKind.Api => "afs_api_",
        KeyKind.Reset => "afs_reset_",
        KeyKind.Verification => "afs_verify_",
        KeyKind.Mfa => "afs_mfa_",
        KeyKind.Admin => "afs_admin_",
        KeyKind.Ceremony => "afs_pkc_",
        KeyKind.ExternalState => "afs_xst_",
        KeyKind.ExchangeCode => "afs_xcode_",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static readonly KeyKind[] AllKinds = Enum.GetValues<KeyKind>();

    /// <summary>Sessions and API keys authorise requests; reset and verification links only do their one thing.</summary>
    public static bool IsBearer(KeyKind kind) => kind is KeyKind.Session or KeyKind.Api;

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static string Create(KeyKind kind, string userId, string tokenId)
    {
        Span<byte> payload = stackalloc byte[PayloadBytes];
        WriteId(userId, payload[..IdBytes]);
        WriteId(tokenId, payload.Slice(IdBytes, IdBytes));
        RandomNumberGenerator.Fill(payload.Slice(IdBytes * 2, SecretBytes));
        var prefix = PrefixOf(kind);
        Check(prefix, payload[..^CheckBytes], payload[^CheckBytes..]);
        var key = prefix + Base64Url.EncodeToString(payload);
        CryptographicOperations.ZeroMemory(payload);
        return key;
    }

    public static bool TryParse(ReadOnlySpan<char> key, out ParsedKey parsed)
    {
        parsed = default;
        var kind = 0;
        while (!key.StartsWith(PrefixOf(AllKinds[kind]), StringComparison.Ordinal))
        {
            if (++kind == AllKinds.Length)
            {
                return false;
            }
        }

        var prefix = PrefixOf(AllKinds[kind]);
        var encoded = key[prefix.Length..];
        if (encoded.Length != EncodedLength)
        {
            return false;
        }

        Span<byte> payload = stackalloc byte[PayloadBytes];
        if (Base64Url.DecodeFromChars(encoded, payload, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != encoded.Length || written != PayloadBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[CheckBytes];
        Check(prefix, payload[..^CheckBytes], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, payload[^CheckBytes..]))
        {
            return false;
        }

        parsed = new ParsedKey(AllKinds[kind], ReadId(payload[..IdBytes]), ReadId(payload.Slice(IdBytes, IdBytes)));
        CryptographicOperations.ZeroMemory(payload);
        return true;
    }

    /// <summary>What storage keeps instead of the key.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Constant-time comparison of a presented key with a stored hash.</summary>
    public static bool Matches(string key, byte[] storedHash) =>
        storedHash.Length == SHA256.HashSizeInBytes && CryptographicOperations.FixedTimeEquals(Hash(key), storedHash);

    public static bool IsValidId([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id) =>
        id is { Length: 32 } && Guid.TryParseExact(id, "N", out var g) && g.ToString("N") == id;

    private static void WriteId(string id, Span<byte> destination)
    {
        if (!Guid.TryParseExact(id, "N", out var guid) || !guid.TryWriteBytes(destination))
        {
            throw new ArgumentException("Ids are 32 lower-case hex digits.", nameof(id));
        }
    }

    private static string ReadId(ReadOnlySpan<byte> source) => new Guid(source).ToString("N");

    private static void Check(string prefix, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.ASCII.GetBytes(prefix));
        sha.AppendData(payload);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        sha.GetHashAndReset(digest);
        digest[..CheckBytes].CopyTo(destination);
    }
}
