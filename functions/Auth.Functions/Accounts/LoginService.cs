using Auth.Functions.Events;
using Auth.Functions.Mfa;
using Auth.Functions.Passwords;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Accounts;

/// <summary>Email + password (and a second factor, once enrolled) to a session, shared by the JSON and the Basic login.</summary>
public sealed class LoginService(
    UserStore users,
    TokenStore tokens,
    PasswordService passwords,
    LoginThrottle throttle,
    SecurityEvents events,
    MfaStore mfa,
    IOptions<SessionOptions> sessions,
    IOptions<AccountOptions> accounts,
    ILogger<LoginService> logger)
{
    /// <summary>Ticket completions that lose a race for the ticket this many times answer 429.</summary>
    private const int MaxTicketConflicts = 8;

    /// <param name="totpCode">A code sent with the password (one round trip); ignored for an account without a second factor.</param>
    /// <param name="network">The client's network (<see cref="Http.ClientNetwork"/>): failures are counted per network and account.</param>
    public async Task<LoginOutcome> LoginAsync(string email, string password, string? totpCode, string network, CancellationToken cancellationToken)
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

        if (verification == PasswordVerification.SucceededRehashNeeded)
        {
            var upgraded = await passwords.HashAsync(password, cancellationToken);
            // ETag-guarded: if the password changed meanwhile, the newer hash wins and this upgrade is dropped.
            if (await users.TryUpdatePasswordHashAsync(user, upgraded, passwordChanged: false, cancellationToken))
            {
                AuthEvents.PasswordRehashed(logger, user.PartitionKey);
            }
        }

        if (user.IsDisabled)
        {
            // Only now, with the password verified, may the answer differ from a wrong password's; the
            // attempt counts for nothing either way (nothing is cleared for a disabled account).
            await throttle.ReleaseAsync(attempt, cancellationToken);
            AuthEvents.LoginRefusedDisabled(logger, user.PartitionKey);
            return new LoginOutcome.AccountDisabled();
        }

        if (accounts.Value.RequireVerifiedEmail && !user.IsEmailVerified)
        {
            // Only now, with the password verified, may the answer differ from a wrong password's.
            await throttle.ResetAsync(attempt, cancellationToken);
            AuthEvents.LoginRefusedUnverified(logger, user.PartitionKey);
            return new LoginOutcome.EmailNotVerified();
        }

        if (user.HasMfa)
        {
            return await SecondFactorAsync(user, attempt, totpCode, cancellationToken);
        }

        // Clearing the count and minting the session are independent writes: they go out together.
        var clearing = throttle.ResetAsync(attempt, cancellationToken);
        var minting = tokens.CreateSessionAsync(user, sessions.Value.Lifetime, new SignIn(SignIn.Password, Mfa: false), cancellationToken);
        await Task.WhenAll(clearing, minting);
        var (token, key) = await minting;
        AuthEvents.LoginSucceeded(logger, user.PartitionKey, token.TokenId);
        return new LoginOutcome.Success(user, token, key);
    }

    /// <summary>
    /// The password was right and the account has a second factor. A valid code sent with it mints the
    /// session at once (spending the code in the same transaction); otherwise the login gets a ticket,
    /// and its attempt stays counted until the code comes (a wrong code counts as a failure).
    /// </summary>
    private async Task<LoginOutcome> SecondFactorAsync(UserEntity user, LoginAttempt attempt, string? totpCode, CancellationToken cancellationToken)
    {
        var wrongCode = false;
        if (totpCode is not null && await mfa.GetAsync(user.PartitionKey, cancellationToken) is { Enabled: true } factor)
        {
            if (await mfa.CheckAsync(factor, totpCode, recoveryCode: null, cancellationToken) is { } proof)
            {
                try
                {
                    var (token, key) = await tokens.CreateSessionAsync(
                        user, sessions.Value.Lifetime, new SignIn(SignIn.Password, Mfa: true), cancellationToken, new SessionWrites([MfaStore.Spend(factor, proof)], []));
                    await throttle.ResetAsync(attempt, cancellationToken);
                    MfaLog.LoginSucceeded(logger, user.PartitionKey, "totp", token.TokenId);
                    return new LoginOutcome.Success(user, token, key);
                }
                catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
                {
                    // The same code was used meanwhile (or the factor changed): it counts as no code.
                }
            }
            else
            {
                wrongCode = true;
            }
        }

        var issuing = mfa.IssueTicketAsync(user, attempt.Network, cancellationToken);
        if (wrongCode)
        {
            MfaLog.WrongCode(logger, user.PartitionKey, "login");
            await Task.WhenAll(issuing, throttle.RecordFailureAsync(attempt, cancellationToken), mfa.RecordFailureAsync(user.PartitionKey, cancellationToken));
        }
        else
        {
            await Task.WhenAll(issuing, throttle.HoldAsync(attempt, cancellationToken));
        }

        var (ticket, expires) = await issuing;
        MfaLog.SecondFactorRequired(logger, user.PartitionKey);
        return new LoginOutcome.MfaRequired(ticket, expires);
    }

    /// <summary>
    /// Completes a login with its ticket and a TOTP or recovery code. One round trip reads the ticket,
    /// the user row and the factor; then one transaction commits the outcome, guarded by the ticket's
    /// ETag: for a right code it deletes the ticket, spends the code (guarded by the factor's ETag) and
    /// mints the session; for a wrong one it counts the failure on the ticket. Of requests racing on one
    /// ticket, one commits per version of it, and the others read it again: so at most
    /// <see cref="MfaOptions.TicketMaxFailures"/> wrong codes are ever answered before it dies, however
    /// many are sent at once, and one code succeeds once.
    /// </summary>
    public async Task<LoginOutcome> CompleteAsync(string ticketKey, string? totpCode, string? recoveryCode, string network, CancellationToken cancellationToken)
    {
        ticketKey = ticketKey.Trim();
        if (!Keys.TryParse(ticketKey, out var parsed) || parsed.Kind != KeyKind.Mfa)
        {
            return new LoginOutcome.InvalidMfaCode();
        }

        for (var conflicts = 0; conflicts < MaxTicketConflicts; conflicts++)
        {
            var ticketRead = mfa.GetTicketAsync(parsed, cancellationToken);
            var userRead = users.GetAsync(parsed.UserId, cancellationToken);
            var factorRead = mfa.GetAsync(parsed.UserId, cancellationToken);
            await Task.WhenAll(ticketRead, userRead, factorRead);
            var (ticket, user, factor) = (await ticketRead, await userRead, await factorRead);
            if (ticket is null || user is null || !Revocation.Admits(user) || factor is not { Enabled: true } || !mfa.IsLive(ticketKey, ticket, user))
            {
                return new LoginOutcome.InvalidMfaCode();
            }

            if (await mfa.CheckAsync(factor, totpCode, recoveryCode, cancellationToken) is not { } proof)
            {
                if (!await mfa.TryCountTicketFailureAsync(ticket, cancellationToken))
                {
                    continue; // The ticket moved on: read it again, and count there.
                }

                MfaLog.WrongCode(logger, user.PartitionKey, "ticket");
                await throttle.CountFailureAsync(EmailAddress.KeyOf(user.NormalizedEmail), network, cancellationToken);
                return new LoginOutcome.InvalidMfaCode();
            }

            List<SecurityEventEntity> alongside = proof is MfaProof.RecoveryCode ? [events.New(user.PartitionKey, SecurityEventTypes.RecoveryCodeUsed)] : [];
            try
            {
                var (token, key) = await tokens.CreateSessionAsync(
                    user, sessions.Value.Lifetime, new SignIn(ticket.Method ?? SignIn.Password, Mfa: true), cancellationToken,
                    new SessionWrites([MfaStore.SpendTicket(ticket), MfaStore.Spend(factor, proof)], alongside));
                // The second factor proves the account: the login's held attempt goes, as a success clears it.
                var emailKey = EmailAddress.KeyOf(user.NormalizedEmail);
                await (ticket.Network == network
                    ? throttle.ClearAsync(emailKey, network, cancellationToken)
                    : Task.WhenAll(throttle.ClearAsync(emailKey, ticket.Network, cancellationToken), throttle.ClearAsync(emailKey, network, cancellationToken)));
                MfaLog.LoginSucceeded(logger, user.PartitionKey, proof is MfaProof.Totp ? "totp" : "recovery code", token.TokenId);
                return new LoginOutcome.Success(user, token, key);
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
            {
                // The ticket or the factor changed since the read (another code on this ticket, the
                // same code elsewhere): read again and decide on what is there now.
            }
        }

        return new LoginOutcome.Throttled(TimeSpan.FromSeconds(1));
    }
}
