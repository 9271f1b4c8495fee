using Auth.Functions.Users;

namespace Auth.Functions.Accounts;

/// <summary>
/// Security events as structured logs: ids and outcomes only. No password, key, reset token, hash
/// or email ever reaches a log line (emails are personal data and also an enumeration aid).
/// </summary>
public static partial class AuthEvents
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Registration succeeded for user {UserId}.")]
    public static partial void Registered(ILogger logger, string userId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Registration refused: email already registered.")]
    public static partial void RegisterEmailTaken(ILogger logger);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Login succeeded for user {UserId}, session {TokenId}.")]
    public static partial void LoginSucceeded(ILogger logger, string userId, string tokenId);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Login failed (user {UserId}, consecutive failures {Failures}).")]
    public static partial void LoginFailed(ILogger logger, string userId, int failures);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Login throttled for {RetryAfterSeconds} s (user {UserId}).")]
    public static partial void LoginThrottled(ILogger logger, string userId, double retryAfterSeconds);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "Password hash of user {UserId} upgraded to the current parameters.")]
    public static partial void PasswordRehashed(ILogger logger, string userId);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "Password of user {UserId} changed by token {TokenId}.")]
    public static partial void PasswordChanged(ILogger logger, string userId, string tokenId);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning, Message = "Password change refused for user {UserId}: wrong old password.")]
    public static partial void PasswordChangeRefused(ILogger logger, string userId);

    [LoggerMessage(EventId = 1032, Level = LogLevel.Information, Message = "Login of user {UserId} refused: the email address is not verified.")]
    public static partial void LoginRefusedUnverified(ILogger logger, string userId);

    [LoggerMessage(EventId = 1033, Level = LogLevel.Warning, Message = "User {UserId} was registered, but its verification email could not be queued; ResendVerification can ask again.")]
    public static partial void VerificationNotQueued(ILogger logger, Exception exception, string userId);

    [LoggerMessage(EventId = 1034, Level = LogLevel.Information, Message = "Login of user {UserId} refused: the account is disabled.")]
    public static partial void LoginRefusedDisabled(ILogger logger, string userId);

    public const string UnknownUser = UserStore.UnknownUser;
}
