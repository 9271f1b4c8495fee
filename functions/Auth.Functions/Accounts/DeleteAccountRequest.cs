namespace Auth.Functions.Accounts;

/// <param name="Code">A TOTP or recovery code, where a second factor is on.</param>
public sealed record DeleteAccountRequest(string? Password, string? Code = null);
