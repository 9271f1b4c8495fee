using System.Security.Cryptography;
using System.Text;

namespace Auth.Functions.Secrets;

/// <summary>
/// AES-256-GCM for secrets at rest: <c>nonce(12) | ciphertext | tag(16)</c> under a ring key, with the
/// key's id stored beside it. The context (for example the owner's id) is authenticated, so a sealed
/// value copied to another row does not open there.
/// </summary>
public static class SecretBox
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public static byte[] Seal(SecretKey key, ReadOnlySpan<byte> plaintext, string context)
    {
        var sealedValue = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = sealedValue.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(SecretKeyRing.Derive(key, "aes-gcm"), TagBytes);
        aes.Encrypt(nonce, plaintext, sealedValue.AsSpan(NonceBytes, plaintext.Length), sealedValue.AsSpan(NonceBytes + plaintext.Length), Encoding.UTF8.GetBytes(context));
        return sealedValue;
    }

    /// <summary>The plaintext, or null when the value was not sealed with this key and context (or was altered).</summary>
    public static byte[]? Open(SecretKey key, ReadOnlySpan<byte> sealedValue, string context)
    {
        if (sealedValue.Length < NonceBytes + TagBytes)
        {
            return null;
        }

        var length = sealedValue.Length - NonceBytes - TagBytes;
        var plaintext = new byte[length];
        using var aes = new AesGcm(SecretKeyRing.Derive(key, "aes-gcm"), TagBytes);
        try
        {
            aes.Decrypt(sealedValue[..NonceBytes], sealedValue.Slice(NonceBytes, length), sealedValue[(NonceBytes + length)..], plaintext, Encoding.UTF8.GetBytes(context));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
