using System.Buffers.Binary;
using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>
/// A WebAuthn authenticator and browser in one, for tests that need no browser: it answers the options
/// the API sends with what a browser's <c>PublicKeyCredential.toJSON()</c> would hold (attestation
/// "none", an ES256 key, CBOR written by System.Formats.Cbor), and can be told to lie where a test needs
/// it: another origin or RP id, no user verification, any signature counter. The app's verification is
/// Fido2's; this only produces input for it.
/// </summary>
public sealed class SoftAuthenticator(string rpId = "localhost", string origin = "http://localhost:7071") : IDisposable
{
    private const byte UserPresent = 0x01;
    private const byte UserVerified = 0x04;
    private const byte AttestedCredentialData = 0x40;

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private byte[]? _userHandle;

    public byte[] CredentialId { get; private init; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>An authenticator that claims this one's credential (its id and user handle) with a key of its own.</summary>
    public SoftAuthenticator Impostor() => new(rpId, origin) { CredentialId = CredentialId, _userHandle = _userHandle, Counter = Counter };

    /// <summary>The counter the next assertion carries unless told otherwise (then one more each time).</summary>
    public uint Counter { get; set; }

    /// <summary>Answers creation options (<c>navigator.credentials.create</c>).</summary>
    public JsonObject Create(JsonNode options, string? asOrigin = null, string? asRpId = null, bool verified = true)
    {
        _userHandle = Base64Url.DecodeFromChars(((string)options["user"]!["id"]!).AsSpan());
        var clientData = ClientData("webauthn.create", (string)options["challenge"]!, asOrigin ?? origin);
        var authenticatorData = AuthenticatorData(asRpId ?? rpId, (byte)(Flags(verified) | AttestedCredentialData), Counter, AttestedCredential());
        var attestation = new CborWriter(CborConformanceMode.Ctap2Canonical);
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt");
        attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt");
        attestation.WriteStartMap(0);
        attestation.WriteEndMap();
        attestation.WriteTextString("authData");
        attestation.WriteByteString(authenticatorData);
        attestation.WriteEndMap();
        return Credential(new JsonObject
        {
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["attestationObject"] = Base64Url.EncodeToString(attestation.Encode()),
            ["transports"] = new JsonArray("internal"),
        });
    }

    /// <summary>Answers request options (<c>navigator.credentials.get</c>) with the credential made by <see cref="Create"/>.</summary>
    public JsonObject Get(JsonNode options, string? asOrigin = null, string? asRpId = null, bool verified = true, uint? counter = null)
    {
        var count = counter ?? ++Counter;
        var clientData = ClientData("webauthn.get", (string)options["challenge"]!, asOrigin ?? origin);
        var authenticatorData = AuthenticatorData(asRpId ?? rpId, Flags(verified), count, []);
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return Credential(new JsonObject
        {
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["authenticatorData"] = Base64Url.EncodeToString(authenticatorData),
            ["signature"] = Base64Url.EncodeToString(signature),
            ["userHandle"] = Base64Url.EncodeToString(_userHandle ?? throw new InvalidOperationException("Create a credential first.")),
        });
    }

    private JsonObject Credential(JsonObject response) => new()
    {
        ["id"] = Base64Url.EncodeToString(CredentialId),
        ["rawId"] = Base64Url.EncodeToString(CredentialId),
        ["type"] = "public-key",
        ["authenticatorAttachment"] = "platform",
        ["response"] = response,
        ["clientExtensionResults"] = new JsonObject(),
    };

    private static byte Flags(bool verified) => (byte)(UserPresent | (verified ? UserVerified : 0));

    private static byte[] ClientData(string type, string challenge, string origin) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["challenge"] = challenge, ["origin"] = origin, ["crossOrigin"] = false }.ToJsonString());

    private static byte[] AuthenticatorData(string rpId, byte flags, uint counter, byte[] attested)
    {
        var counterBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counterBytes, counter);
        return [.. SHA256.HashData(Encoding.UTF8.GetBytes(rpId)), flags, .. counterBytes, .. attested];
    }

    /// <summary>AAGUID (zeros), the credential id with its length, and the public key as a COSE EC2 key.</summary>
    private byte[] AttestedCredential()
    {
        var point = _key.ExportParameters(includePrivateParameters: false).Q;
        var cose = new CborWriter(CborConformanceMode.Ctap2Canonical);
        cose.WriteStartMap(5);
        cose.WriteInt32(1); // kty
        cose.WriteInt32(2); // EC2
        cose.WriteInt32(3); // alg
        cose.WriteInt32(-7); // ES256
        cose.WriteInt32(-1); // crv
        cose.WriteInt32(1); // P-256
        cose.WriteInt32(-2); // x
        cose.WriteByteString(point.X!);
        cose.WriteInt32(-3); // y
        cose.WriteByteString(point.Y!);
        cose.WriteEndMap();
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)CredentialId.Length);
        return [.. new byte[16], .. length, .. CredentialId, .. cose.Encode()];
    }

    public void Dispose() => _key.Dispose();
}
