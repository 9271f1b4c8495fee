namespace Auth.Functions.Accounts;

public sealed record ConfirmTotpRequest(string? Code);
