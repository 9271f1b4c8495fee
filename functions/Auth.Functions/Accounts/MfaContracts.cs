namespace Auth.Functions.Accounts;

public sealed record BeginTotpRequest(string? Password);

/// <param name="Secret">The base32 secret (160 bits), for apps that cannot scan.</param>
/// <param name="OtpauthUri">The <c>otpauth://totp/</c> URI authenticator apps read.</param>
/// <param name="QrSvg">The URI as an SVG QR code.</param>
public sealed record TotpEnrolmentResponse(string Secret, string OtpauthUri, string QrSvg);

public sealed record ConfirmTotpRequest(string? Code);

/// <param name="RecoveryCodes">Ten single-use codes, shown this once.</param>
public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <param name="Code">A TOTP code or a recovery code.</param>
public sealed record DisableTotpRequest(string? Password, string? Code);

/// <param name="Code">A TOTP code or a recovery code.</param>
public sealed record RegenerateRecoveryCodesRequest(string? Code);

/// <summary>The ticket of a login answered <c>mfa_required</c>, with a TOTP code or a recovery code (one of the two).</summary>
public sealed record LoginMfaRequest(string? MfaTicket, string? Code = null, string? RecoveryCode = null);
