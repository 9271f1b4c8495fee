namespace Auth.Functions.Passwords;

public sealed record ChangePasswordRequest(string? OldPassword, string? NewPassword, bool? ResetTokens);
