namespace Auth.Functions.Recovery;

public sealed record ForgotPasswordRequest(string? Email);

public sealed record ForgotPasswordResponse(string Message);

public sealed record ResetPasswordRequest(string? Token, string? NewPassword);

/// <summary>
/// The queue message of a reset request. No secret: the worker mints the reset token, which then
/// exists only in the email. No email address either: the key finds the account, which has it.
/// <paramref name="Deferrals"/> counts the minutes it waited for the service-wide cap.
/// </summary>
public sealed record ResetRequestMessage(string RequestId, string EmailKey, int Deferrals = 0);
