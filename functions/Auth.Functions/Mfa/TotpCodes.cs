using System.Security.Cryptography;
using OtpNet;
using QRCoder;

namespace Auth.Functions.Mfa;

/// <summary>
/// RFC 6238 with the parameters every authenticator app supports (HMAC-SHA1, 6 digits, 30-second
/// steps), by Otp.NET; the enrolment QR code by QRCoder.
/// </summary>
public static class TotpCodes
{
    /// <summary>160 bits, as RFC 4226 recommends for HMAC-SHA1.</summary>
    public const int SecretBytes = 20;
    public const int Digits = 6;
    public const int StepSeconds = 30;

    /// <summary>The step before and after the current one are accepted too (clock drift, a code typed late).</summary>
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret);

    public static string OtpauthUri(byte[] secret, string issuer, string account) =>
        new OtpUri(OtpType.Totp, secret, account, issuer, OtpHashMode.Sha1, Digits, StepSeconds).ToString();

    /// <summary>The URI as an SVG QR code that scales to its container.</summary>
    public static string QrSvg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    /// <summary>The time step the code belongs to (current ±1), or null when it is not a code of this secret now.</summary>
    public static long? Match(byte[] secret, string code, DateTimeOffset now)
    {
        if (code.Length != Digits || code.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            return null;
        }

        var totp = new Totp(secret, StepSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, Window) ? step : null;
    }

    /// <summary>The code of the current step (for tests and the README's walk-through; never sent by the service).</summary>
    public static string Compute(byte[] secret, DateTimeOffset now) => new Totp(secret, StepSeconds, OtpHashMode.Sha1, Digits).ComputeTotp(now.UtcDateTime);
}
