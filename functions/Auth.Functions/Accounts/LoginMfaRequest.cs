namespace Auth.Functions.Accounts;

/// <summary>The ticket of a login answered <c>mfa_required</c>, with a TOTP code or a recovery code (one of the two).</summary>
public sealed record LoginMfaRequest(string? MfaTicket, string? Code = null, string? RecoveryCode = null);
