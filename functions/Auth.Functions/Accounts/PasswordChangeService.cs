using Auth.Functions.Events;
using Auth.Functions.Passwords;
using Auth.Functions.Tokens;
using Auth.Functions.Users;

namespace Auth.Functions.Accounts;

public abstract record PasswordChangeOutcome
{
    public sealed record Changed : PasswordChangeOutcome;

    public sealed record WrongOldPassword : PasswordChangeOutcome;

    public sealed record Throttled(TimeSpan RetryAfter) : PasswordChangeOutcome;

    /// <summary>The calling key was revoked while the change was in flight.</summary>
    public sealed record CallerRevoked : PasswordChangeOutcome;

    /// <summary>The user row kept changing underneath: try again shortly.</summary>
    public sealed record Contended : PasswordChangeOutcome;
}

/// <summary>Change-password: the old password checked as a counted login attempt, the new one set with an ETag, and with resetTokens the revocation barrier in the same write.</summary>
public sealed class PasswordChangeService(
    UserStore users,
    PasswordService passwords,
    LoginThrottle throttle,
    RevocationService revocation,
    ILogger<PasswordChangeService> logger)
{
    private const int MaxAttempts = 3;

    /// <param name="newPassword">Already accepted by <see cref="PasswordPolicy"/>.</param>
    /// <param name="network">The client's network (<see cref="Http.ClientNetwork"/>), as a login counts it.</param>
    public async Task<PasswordChangeOutcome> ChangeAsync(Caller caller, string oldPassword, string newPassword, bool revokeOthers, string network, CancellationToken cancellationToken)
    {
        var emailKey = EmailAddress.KeyOf(caller.User.NormalizedEmail);
        string? hash = null;
        // The row the calling key was validated against: every write below is ETag-guarded on it.
        var user = caller.User;
        for (var attempt = 1; ; attempt++)
        {
            // A stolen session must not become a way to brute-force the password: old passwords are
            // counted as login attempts for this account before they are checked.
            var counted = await throttle.TryBeginAsync(emailKey, network, cancellationToken);
            if (counted.Wait is { } wait)
            {
                return new PasswordChangeOutcome.Throttled(wait);
            }

            if (await passwords.VerifyAsync(user.PasswordHash, oldPassword, cancellationToken) == PasswordVerification.Failed)
            {
                await throttle.RecordFailureAsync(counted, cancellationToken);
                AuthEvents.PasswordChangeRefused(logger, user.PartitionKey);
                return new PasswordChangeOutcome.WrongOldPassword();
            }

            // For an account with a second factor, only a right code clears the count (its wrong codes are in
            // it): the password alone just takes its own attempt back.
            await (user.HasMfa ? throttle.ReleaseAsync(counted, cancellationToken) : throttle.ResetAsync(counted, cancellationToken));
            hash ??= await passwords.HashAsync(newPassword, cancellationToken);
            var generation = revokeOthers
                ? await users.TryRevokeAsync(user, keepTokenId: caller.TokenId, hash, SecurityEventTypes.PasswordChanged, caller.TokenId, cancellationToken)
                : await users.TryUpdatePasswordHashAsync(user, hash, passwordChanged: true, cancellationToken, SecurityEventTypes.PasswordChanged, caller.TokenId) ? user.Generation : null;
            if (generation is { } committed)
            {
                AuthEvents.PasswordChanged(logger, user.PartitionKey, caller.TokenId);
                if (revokeOthers)
                {
                    await revocation.CleanUpAsync(user.PartitionKey, committed, caller.TokenId, "password-change", cancellationToken);
                }

                return new PasswordChangeOutcome.Changed();
            }

            // Changed meanwhile: start over against the new row, unless it revoked the calling key.
            if (await users.GetAsync(caller.UserId, cancellationToken) is not { } current || !Revocation.Allows(current, caller.Token))
            {
                return new PasswordChangeOutcome.CallerRevoked();
            }

            if (attempt == MaxAttempts)
            {
                return new PasswordChangeOutcome.Contended();
            }

            user = current;
        }
    }
}
