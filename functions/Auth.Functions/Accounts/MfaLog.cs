namespace Auth.Functions.Accounts;

/// <summary>The second factor's log lines: ids and outcomes, never a secret, a code or a ticket.</summary>
public static partial class MfaLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Login of user {UserId}: password verified, second factor asked for.")]
    public static partial void SecondFactorRequired(ILogger logger, string userId);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Login succeeded for user {UserId} with a second factor ({Proof}), session {TokenId}.")]
    public static partial void LoginSucceeded(ILogger logger, string userId, string proof, string tokenId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Wrong second-factor code for user {UserId} ({Where}).")]
    public static partial void WrongCode(ILogger logger, string userId, string where);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Second factor of user {UserId}: {Change}.")]
    public static partial void Changed(ILogger logger, string userId, string change);
}
