namespace Auth.Functions.Accounts;

/// <summary>External sign-in's log lines: providers, ids and reasons, never a code, a token or a state.</summary>
public static partial class ExternalLoginLog
{
    [LoggerMessage(EventId = 1130, Level = LogLevel.Warning, Message = "External sign-in with {Provider} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 1131, Level = LogLevel.Information, Message = "External sign-in with {Provider} for user {UserId} (created: {Created}, linked: {Linked}).")]
    public static partial void Verified(ILogger logger, string provider, string userId, bool created, bool linked);

    [LoggerMessage(EventId = 1132, Level = LogLevel.Information, Message = "Identity {IdentityId} of user {UserId} unlinked.")]
    public static partial void Unlinked(ILogger logger, string userId, string identityId);
}
