using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Passkeys;

/// <summary>
/// The WebAuthn relying party, as Fido2 implements it: the options a ceremony sends to the browser, and
/// the verification of what comes back (CBOR, COSE keys, signatures, the origin and RP id, the user
/// verification flag). Attestation is not asked for ("none"): any authenticator that verifies the user
/// is accepted, and nothing about its make is trusted.
/// </summary>
public sealed class RelyingParty
{
    private readonly Fido2 _fido2;
    private readonly PasskeyOptions _options;

    public RelyingParty(IOptions<PasskeyOptions> options)
    {
        _options = options.Value;
        _fido2 = new Fido2(new Fido2Configuration
        {
            RPID = _options.RelyingPartyId,
            RPName = _options.RelyingPartyName,
            Origins = new HashSet<string>(_options.AllowedOrigins, StringComparer.Ordinal),
            // What the browser is told to allow; the stored ceremony's own expiry is what is enforced.
            Timeout = (uint)_options.CeremonyLifetime.TotalMilliseconds,
        });
    }

    public PasskeyOptions Options => _options;

    /// <summary>The user handle a passkey carries: the user id's bytes (no personal data; at most 64 bytes).</summary>
    public static byte[] UserHandle(string userId) => Encoding.ASCII.GetBytes(userId);

    /// <summary>The user id in a user handle, or null when it is not one this service made.</summary>
    public static string? UserIdOf(byte[]? userHandle) =>
        userHandle is { Length: 32 } && userHandle.All(b => char.IsAsciiHexDigitLower((char)b)) ? Encoding.ASCII.GetString(userHandle) : null;

    /// <summary>The passkey id derived from a credential id: short, URL-safe, and a row key.</summary>
    public static string PasskeyIdOf(ReadOnlySpan<byte> credentialId) => Base64Url.EncodeToString(SHA256.HashData(credentialId).AsSpan(0, 16));

    /// <summary>Whether a string has the shape of <see cref="PasskeyIdOf"/>'s ids (before any storage read).</summary>
    public static bool IsPasskeyId(string id) => id.Length == 22 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Options to create a discoverable, user-verified credential, excluding those the user has.</summary>
    public CredentialCreateOptions CreationOptions(string userId, string email, string? displayName, IEnumerable<byte[]> existing) =>
        _fido2.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = UserHandle(userId), Name = email, DisplayName = displayName ?? email },
            ExcludeCredentials = [.. existing.Select(id => new PublicKeyCredentialDescriptor(id))],
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Required,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });

    /// <summary>Options to sign in with any discoverable credential of this relying party (no allow list: no email typed).</summary>
    public AssertionOptions RequestOptions() =>
        _fido2.GetAssertionOptions(new GetAssertionOptionsParams { UserVerification = UserVerificationRequirement.Required });

    /// <summary>Reads a browser's <c>PublicKeyCredential.toJSON()</c>; null when it is not one.</summary>
    public static T? ReadCredential<T>(JsonElement credential) where T : class
    {
        try
        {
            return credential.ValueKind == JsonValueKind.Object ? credential.Deserialize<T>() : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Verifies an attestation against the ceremony's stored options. Throws <see cref="Fido2VerificationException"/> when it does not verify.</summary>
    public Task<RegisteredPublicKeyCredential> VerifyRegistrationAsync(
        string storedOptions, AuthenticatorAttestationRawResponse response, IsCredentialIdUniqueToUserAsyncDelegate isUnique, CancellationToken cancellationToken) =>
        _fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
        {
            AttestationResponse = response,
            OriginalOptions = CredentialCreateOptions.FromJson(storedOptions),
            IsCredentialIdUniqueToUserCallback = isUnique,
        }, cancellationToken);

    /// <summary>
    /// Verifies an assertion with the stored credential. Throws <see cref="Fido2VerificationException"/>
    /// when it does not verify, and also when the signature counter did not move forward while either
    /// side keeps one: Fido2 lets a counter that drops to 0 through, which a cloned authenticator could use.
    /// </summary>
    public async Task<VerifyAssertionResult> VerifyAssertionAsync(
        string storedOptions, AuthenticatorAssertionRawResponse response, PasskeyEntity stored, CancellationToken cancellationToken)
    {
        var result = await _fido2.MakeAssertionAsync(new MakeAssertionParams
        {
            AssertionResponse = response,
            OriginalOptions = AssertionOptions.FromJson(storedOptions),
            StoredPublicKey = stored.PublicKey,
            StoredSignatureCounter = (uint)stored.SignCount,
            // The credential was found under the user handle's partition: it is that user's.
            IsUserHandleOwnerOfCredentialIdCallback = (p, _) => Task.FromResult(
                UserIdOf(p.UserHandle) == stored.PartitionKey && p.CredentialId.AsSpan().SequenceEqual(stored.CredentialId)),
        }, cancellationToken);
        if (stored.SignCount > 0 && result.SignCount <= stored.SignCount)
        {
            throw new Fido2VerificationException(Fido2ErrorCode.InvalidSignCount, $"The signature counter went from {stored.SignCount} to {result.SignCount}.");
        }

        return result;
    }
}
