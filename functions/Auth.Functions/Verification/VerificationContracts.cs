namespace Auth.Functions.Verification;

public sealed record VerifyEmailRequest(string? Token);

public sealed record ResendVerificationRequest(string? Email);

public sealed record ResendVerificationResponse(string Message);
