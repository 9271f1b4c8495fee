namespace Auth.Functions.Accounts;

/// <summary>Passkeys' log lines: ids and outcomes, never a credential, a key or a ceremony.</summary>
public static partial class PasskeyLog
{
    [LoggerMessage(EventId = 1120, Level = LogLevel.Information, Message = "Passkey {PasskeyId} added for user {UserId}.")]
    public static partial void Added(ILogger logger, string userId, string passkeyId);

    [LoggerMessage(EventId = 1121, Level = LogLevel.Information, Message = "Passkey {PasskeyId} of user {UserId} removed.")]
    public static partial void Removed(ILogger logger, string userId, string passkeyId);

    [LoggerMessage(EventId = 1122, Level = LogLevel.Warning, Message = "Passkey {Ceremony} refused for user {UserId}: {Reason} ({Code}).")]
    public static partial void Refused(ILogger logger, string ceremony, string userId, string reason, string code);

    [LoggerMessage(EventId = 1123, Level = LogLevel.Information, Message = "Login succeeded for user {UserId} with passkey {PasskeyId}, session {TokenId}.")]
    public static partial void LoginSucceeded(ILogger logger, string userId, string passkeyId, string tokenId);
}
