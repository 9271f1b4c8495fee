using Auth.Functions.Events;
using Auth.Functions.Passwords;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Accounts;

/// <summary>Email + password to a session, shared by the JSON and the Basic login.</summary>
public sealed class LoginService(
    UserStore users,
    TokenStore tokens,
    PasswordService passwords,
    LoginThrottle throttle,
    SecurityEvents events,
    IOptions<SessionOptions> sessions,
    IOptions<AccountOptions> accounts,
    ILogger<LoginService> logger)
{
    /// <param name="network">The client's network (<see cref="Http.ClientNetwork"/>): failures are counted per network and account.</param>
    public async Task<LoginOutcome> LoginAsync(string email, string password, string network, CancellationToken cancellationToken)
    {
        // Keyed by the normalised email whether or not an account exists: throttling is identical for both.
        var emailKey = EmailAddress.KeyOf(EmailAddress.NormalizeLoosely(email));
        // The attempt is counted, and the user row read, at the same time: both finish before any hashing.
        // The session is stamped with this row's generation: a reset or revocation that lands after
        // this read, while the password is being checked, kills the session it is about to mint.
        var counting = throttle.TryBeginAsync(emailKey, network, cancellationToken);
        var reading = users.FindByEmailEvenlyAsync(emailKey, cancellationToken);
        await Task.WhenAll(counting, reading);
        var (attempt, user) = (await counting, await reading);
        if (attempt.Wait is { } wait)
        {
            AuthEvents.LoginThrottled(logger, AuthEvents.UnknownUser, Math.Ceiling(wait.TotalSeconds));
            return new LoginOutcome.Throttled(wait);
        }

        // An unknown email, and a stored hash that is corrupt, verify against the dummy: one hash each.
        PasswordVerification verification;
        try
        {
            verification = await passwords.VerifyAsync(user?.PasswordHash, password, cancellationToken);
        }
        catch (HashingBusyException)
        {
            // Told to retry (429) without being evaluated: the attempt is not a failure, and its
            // reservation, indexed by nothing yet, must not stay behind.
            await throttle.ReleaseAsync(attempt, cancellationToken);
            throw;
        }

        if (user is null || verification == PasswordVerification.Failed)
        {
            // Counted already, before the check. From here every email takes the same writes, account or
            // not: the counters, and an event in the account's log or on a decoy row.
            await Task.WhenAll(
                throttle.RecordFailureAsync(attempt, cancellationToken),
                events.RecordLoginFailureAsync(user?.PartitionKey, emailKey, throttle.Engages(attempt), cancellationToken));
            AuthEvents.LoginFailed(logger, user?.PartitionKey ?? AuthEvents.UnknownUser, attempt.NetworkFailures);
            return new LoginOutcome.InvalidCredentials();
        }

        // Clearing the count and minting the session are independent writes: they go out together.
        var clearing = throttle.ResetAsync(attempt, cancellationToken);
        if (verification == PasswordVerification.SucceededRehashNeeded)
        {
            var upgraded = await passwords.HashAsync(password, cancellationToken);
            // ETag-guarded: if the password changed meanwhile, the newer hash wins and this upgrade is dropped.
            if (await users.TryUpdatePasswordHashAsync(user, upgraded, passwordChanged: false, cancellationToken))
            {
                AuthEvents.PasswordRehashed(logger, user.PartitionKey);
            }
        }

        if (accounts.Value.RequireVerifiedEmail && !user.IsEmailVerified)
        {
            // Only now, with the password verified, may the answer differ from a wrong password's.
            await clearing;
            AuthEvents.LoginRefusedUnverified(logger, user.PartitionKey);
            return new LoginOutcome.EmailNotVerified();
        }

        var minting = tokens.CreateSessionAsync(user, sessions.Value.Lifetime, cancellationToken);
        await Task.WhenAll(clearing, minting);
        var (token, key) = await minting;
        AuthEvents.LoginSucceeded(logger, user.PartitionKey, token.TokenId);
        return new LoginOutcome.Success(user, token, key);
    }
}
