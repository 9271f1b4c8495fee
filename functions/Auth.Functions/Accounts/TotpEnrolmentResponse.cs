namespace Auth.Functions.Accounts;

/// <param name="Secret">The base32 secret (160 bits), for apps that cannot scan.</param>
/// <param name="OtpauthUri">The <c>otpauth://totp/</c> URI authenticator apps read.</param>
/// <param name="QrSvg">The URI as an SVG QR code.</param>
public sealed record TotpEnrolmentResponse(string Secret, string OtpauthUri, string QrSvg);
