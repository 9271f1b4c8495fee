using Auth.Functions.Mfa;
using Auth.Functions.Passwords;
using Auth.Functions.Tokens;
using Auth.Functions.Users;

namespace Auth.Functions.Accounts;

/// <summary>
/// A signed-in caller proving it again before a sensitive change (the second factor's changes, erasing
/// the account): the password, and a code where a second factor is on, each counted as a login attempt.
/// </summary>
public sealed class Reauthentication(MfaStore mfa, PasswordService passwords, LoginThrottle throttle, ILogger<Reauthentication> logger)
{
    /// <summary>
    /// The password, counted as a login attempt; null when it is right. A right one only takes its own
    /// attempt back: it clears no earlier failures, or a caller with the password could wipe the count
    /// of wrong codes between guesses (DisableTotp takes both).
    /// </summary>
    public async Task<MfaOutcome?> CheckPasswordAsync(Caller caller, string password, string network, CancellationToken cancellationToken)
    {
        var counted = await throttle.TryBeginAsync(EmailAddress.KeyOf(caller.User.NormalizedEmail), network, cancellationToken);
        if (counted.Wait is { } wait)
        {
            return new MfaOutcome.Throttled(wait);
        }

        if (await passwords.VerifyAsync(caller.User.PasswordHash, password, cancellationToken) == PasswordVerification.Failed)
        {
            await throttle.RecordFailureAsync(counted, cancellationToken);
            return new MfaOutcome.ReauthenticationRequired();
        }

        await throttle.ReleaseAsync(counted, cancellationToken);
        return null;
    }

    /// <summary>
    /// A code (TOTP or recovery) for a signed-in change, counted as a login attempt before it is checked,
    /// as passwords are: the proof, or the refusal (throttled, or a wrong code, recorded as <c>mfa_failed</c>).
    /// A right code proves the second factor and clears the counts, as completing a login does.
    /// </summary>
    public async Task<(MfaProof? Proof, MfaOutcome? Refusal)> ProveAsync(Caller caller, MfaEntity factor, string code, string network, CancellationToken cancellationToken)
    {
        var counted = await throttle.TryBeginAsync(EmailAddress.KeyOf(caller.User.NormalizedEmail), network, cancellationToken);
        if (counted.Wait is { } wait)
        {
            return (null, new MfaOutcome.Throttled(wait));
        }

        if (await mfa.CheckAsync(factor, TotpOrNull(code), RecoveryOrNull(code), cancellationToken) is not { } proof)
        {
            MfaLog.WrongCode(logger, caller.UserId, "signed-in change");
            await Task.WhenAll(throttle.RecordFailureAsync(counted, cancellationToken), mfa.RecordFailureAsync(caller.UserId, cancellationToken));
            return (null, new MfaOutcome.InvalidCode());
        }

        await throttle.ResetAsync(counted, cancellationToken);
        return (proof, null);
    }

    /// <summary>Six digits are a TOTP code; anything else is tried as a recovery code.</summary>
    public static string? TotpOrNull(string code) => IsTotp(code) ? code.Trim() : null;

    public static string? RecoveryOrNull(string code) => IsTotp(code) ? null : code;

    private static bool IsTotp(string code) => code.Trim() is { Length: TotpCodes.Digits } c && c.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
}
