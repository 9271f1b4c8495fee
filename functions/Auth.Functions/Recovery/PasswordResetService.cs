using Auth.Functions.Accounts;
using Auth.Functions.Passwords;
using Auth.Functions.Tokens;
using Auth.Functions.Users;

namespace Auth.Functions.Recovery;

public abstract record PasswordResetOutcome
{
    public sealed record Reset : PasswordResetOutcome;

    public sealed record TokenNotFound : PasswordResetOutcome;

    public sealed record TokenExpired : PasswordResetOutcome;

    /// <summary>The password policy's reason (checked against the account's email).</summary>
    public sealed record PasswordRefused(string Reason) : PasswordResetOutcome;
}

/// <summary>
/// A reset in the order that cannot strand a user: check and hash the new password first (a refusal
/// or a busy hasher leaves the link working), then spend the token, set the password and revoke every
/// key in one transaction, then clean up.
/// </summary>
public sealed partial class PasswordResetService(
    ResetTokenStore resets,
    PasswordService passwords,
    LoginThrottle throttle,
    RevocationService revocation,
    ILogger<PasswordResetService> logger)
{
    private const int MaxAttempts = 5;

    /// <param name="network">The client's network: its failed-login count is cleared with the account's.</param>
    public async Task<PasswordResetOutcome> ResetAsync(string token, string newPassword, string network, CancellationToken cancellationToken)
    {
        string? hash = null;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (lookup, candidate) = await resets.FindAsync(token, cancellationToken);
            switch (lookup)
            {
                case LinkLookup.NotFound:
                    return new PasswordResetOutcome.TokenNotFound();
                case LinkLookup.Expired:
                    return new PasswordResetOutcome.TokenExpired();
            }

            var user = candidate!.User;
            if (hash is null)
            {
                if (PasswordPolicy.Check(newPassword, user.Email) is { } reason)
                {
                    return new PasswordResetOutcome.PasswordRefused(reason);
                }

                hash = await passwords.HashAsync(newPassword, cancellationToken);
            }

            if (await resets.TryRedeemAsync(candidate, hash, cancellationToken) is not { } generation)
            {
                continue; // Either row changed meanwhile: look again (spent by a concurrent reset -> not found).
            }

            LogReset(logger, user.PartitionKey, candidate.Link.TokenId);
            await revocation.CleanUpAsync(user.PartitionKey, generation, keptTokenId: null, "password-reset", cancellationToken);
            await throttle.ClearAsync(EmailAddress.KeyOf(user.NormalizedEmail), network, cancellationToken);
            return new PasswordResetOutcome.Reset();
        }

        return new PasswordResetOutcome.TokenNotFound();
    }

    [LoggerMessage(EventId = 1050, Level = LogLevel.Information, Message = "Password of user {UserId} reset with reset token {ResetTokenId}; every earlier key is revoked.")]
    private static partial void LogReset(ILogger logger, string userId, string resetTokenId);
}
