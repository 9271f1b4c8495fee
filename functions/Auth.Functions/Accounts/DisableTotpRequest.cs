namespace Auth.Functions.Accounts;

/// <param name="Code">A TOTP code or a recovery code.</param>
public sealed record DisableTotpRequest(string? Password, string? Code);
