namespace Auth.Functions.Tokens;

/// <summary>Token events as structured logs (ids only, never a key), in the numbering of the accounts' security events.</summary>
public static partial class TokenEvents
{
    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Token {TokenId} ({Type}) created for user {UserId}.")]
    public static partial void TokenCreated(ILogger logger, string userId, string tokenId, string type);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Token {TokenId} of user {UserId} revoked ({Reason}).")]
    public static partial void TokenRevoked(ILogger logger, string userId, string tokenId, string reason);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Information, Message = "{Count} tokens of user {UserId} revoked ({Reason}); kept {KeptTokenId}.")]
    public static partial void TokensRevoked(ILogger logger, string userId, int count, string reason, string? keptTokenId);
}
