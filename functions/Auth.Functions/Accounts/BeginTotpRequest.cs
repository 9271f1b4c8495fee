namespace Auth.Functions.Accounts;

public sealed record BeginTotpRequest(string? Password);
