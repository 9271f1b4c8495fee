using Auth.Functions.Events;
using Auth.Functions.Passkeys;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Azure.Data.Tables;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Accounts;

/// <summary>
/// Passkeys: adding one (a signed-in user), listing and removing them, and signing in with one. Every
/// ceremony is a stored, single-use challenge that Fido2 verifies the browser's answer against.
/// </summary>
public sealed class PasskeyService(
    RelyingParty relyingParty,
    PasskeyStore passkeys,
    SignInMethods methods,
    UserStore users,
    TokenStore tokens,
    LoginThrottle throttle,
    SecurityEvents events,
    TimeProvider clock,
    IOptions<SessionOptions> sessions,
    IOptions<AccountOptions> accounts,
    ILogger<PasskeyService> logger)
{
    /// <summary>
    /// A registration ceremony: options to create a passkey for the caller, none of theirs twice. Only
    /// with a session key from a recent sign-in (<see cref="PasskeyOptions.RegistrationWindow"/>); the
    /// ceremony then binds the finish to this beginning.
    /// </summary>
    public async Task<PasskeyOutcome> BeginRegistrationAsync(Caller caller, string? label, CancellationToken cancellationToken)
    {
        if (!caller.SignedInWithin(relyingParty.Options.RegistrationWindow, clock.GetUtcNow()))
        {
            return new PasskeyOutcome.SignInAgain();
        }

        var existing = await passkeys.ListAsync(caller.UserId, cancellationToken);
        var options = relyingParty.CreationOptions(caller.UserId, caller.User.Email, caller.User.DisplayName, existing.Select(p => p.CredentialId)).ToJson();
        var (key, _) = await passkeys.BeginCeremonyAsync(caller.UserId, options, label, cancellationToken);
        return new PasskeyOutcome.Begun(key, options);
    }

    /// <summary>
    /// Verifies the browser's new credential against the caller's ceremony and stores it. A ceremony is
    /// spent by any answer that gets as far as verification, accepted or not.
    /// </summary>
    public async Task<PasskeyOutcome> FinishRegistrationAsync(
        Caller caller, string ceremonyKey, AuthenticatorAttestationRawResponse response, string? label, CancellationToken cancellationToken)
    {
        if (await passkeys.FindCeremonyAsync(ceremonyKey, caller.UserId, cancellationToken) is not { } ceremony)
        {
            return Refused(ceremonyKey, caller.UserId, "unknown, spent or expired ceremony", "ceremony");
        }

        RegisteredPublicKeyCredential created;
        try
        {
            created = await relyingParty.VerifyRegistrationAsync(
                ceremony.Options,
                response,
                async (p, ct) => await passkeys.GetAsync(caller.UserId, RelyingParty.PasskeyIdOf(p.CredentialId), ct) is null,
                cancellationToken);
        }
        catch (Fido2VerificationException e)
        {
            await passkeys.TrySpendAsync(ceremony, cancellationToken);
            return Refused(ceremony.RowKey, caller.UserId, e.Message, e.Code.ToString());
        }

        var now = clock.GetUtcNow();
        var passkey = new PasskeyEntity
        {
            PartitionKey = caller.UserId,
            RowKey = PasskeyEntity.RowKeyFor(RelyingParty.PasskeyIdOf(created.Id)),
            CredentialId = created.Id,
            PublicKey = created.PublicKey,
            SignCount = created.SignCount,
            Label = label ?? ceremony.Label,
            Created = now,
            BackupEligible = created.IsBackupEligible,
            BackedUp = created.IsBackedUp,
            Transports = string.Join(',', (created.Transports ?? []).Select(Transport)),
            AaGuid = created.AaGuid.ToString(),
        };
        if (!await passkeys.TryAddAsync(ceremony, passkey, cancellationToken))
        {
            return Refused(ceremony.RowKey, caller.UserId, "ceremony spent meanwhile, or the credential is registered already", "conflict");
        }

        PasskeyLog.Added(logger, caller.UserId, passkey.PasskeyId);
        return new PasskeyOutcome.Added(passkey);
    }

    public Task<List<PasskeyEntity>> ListAsync(Caller caller, CancellationToken cancellationToken) => passkeys.ListAsync(caller.UserId, cancellationToken);

    /// <summary>Removes a passkey, unless it is the last way into an account without a password (<see cref="SignInMethods.RemoveAsync"/>).</summary>
    public async Task<RemovalOutcome> DeleteAsync(Caller caller, string passkeyId, CancellationToken cancellationToken)
    {
        var outcome = await methods.RemoveAsync(caller, ct => passkeys.GetAsync(caller.UserId, passkeyId, ct), passkeys.TryDeleteAsync, cancellationToken);
        if (outcome == RemovalOutcome.Removed)
        {
            PasskeyLog.Removed(logger, caller.UserId, passkeyId);
        }

        return outcome;
    }

    /// <summary>A sign-in ceremony: options for any discoverable passkey of this relying party.</summary>
    public async Task<(string Ceremony, string Options)> BeginLoginAsync(CancellationToken cancellationToken)
    {
        var options = relyingParty.RequestOptions().ToJson();
        var (key, _) = await passkeys.BeginCeremonyAsync(userId: null, options, label: null, cancellationToken);
        return (key, options);
    }

    /// <summary>
    /// A sign-in with a passkey. The ceremony is spent first (of two finishes, one goes on); the passkey
    /// is found by the user handle and credential id (one point read, beside the user row's); the attempt
    /// counts against the account's throttle before the signature is checked; and the session is minted in
    /// one transaction with the passkey's new counter, guarded by the counter that was checked. A
    /// user-verified passkey is two factors: no second factor is asked for.
    /// </summary>
    public async Task<LoginOutcome> FinishLoginAsync(string ceremonyKey, AuthenticatorAssertionRawResponse response, string network, CancellationToken cancellationToken)
    {
        if (await passkeys.FindCeremonyAsync(ceremonyKey, userId: null, cancellationToken) is not { } ceremony
            || !await passkeys.TrySpendAsync(ceremony, cancellationToken))
        {
            Refused(ceremonyKey, AuthEvents.UnknownUser, "unknown, spent or expired ceremony", "ceremony");
            return new LoginOutcome.PasskeyNotAccepted();
        }

        if (RelyingParty.UserIdOf(response.Response.UserHandle) is not { } userId)
        {
            Refused(ceremony.RowKey, AuthEvents.UnknownUser, "no user handle of this service", "user-handle");
            return new LoginOutcome.PasskeyNotAccepted();
        }

        var passkeyRead = passkeys.GetAsync(userId, RelyingParty.PasskeyIdOf(response.RawId), cancellationToken);
        var userRead = users.GetAsync(userId, cancellationToken);
        await Task.WhenAll(passkeyRead, userRead);
        if (await passkeyRead is not { } passkey || await userRead is not { } user || user.IsDeleted)
        {
            Refused(ceremony.RowKey, userId, "no such passkey", "unknown-credential");
            return new LoginOutcome.PasskeyNotAccepted();
        }

        var attempt = await throttle.TryBeginAsync(EmailAddress.KeyOf(user.NormalizedEmail), network, cancellationToken);
        if (attempt.Wait is { } wait)
        {
            AuthEvents.LoginThrottled(logger, userId, Math.Ceiling(wait.TotalSeconds));
            return new LoginOutcome.Throttled(wait);
        }

        VerifyAssertionResult verified;
        try
        {
            verified = await relyingParty.VerifyAssertionAsync(ceremony.Options, response, passkey, cancellationToken);
        }
        catch (Fido2VerificationException e)
        {
            await Task.WhenAll(
                throttle.RecordFailureAsync(attempt, cancellationToken),
                events.RecordLoginFailureAsync(userId, attempt.EmailKey, throttle.Engages(attempt), cancellationToken));
            Refused(ceremony.RowKey, userId, e.Message, e.Code.ToString());
            return new LoginOutcome.PasskeyNotAccepted();
        }

        if (user.IsDisabled)
        {
            await throttle.ReleaseAsync(attempt, cancellationToken);
            AuthEvents.LoginRefusedDisabled(logger, userId);
            return new LoginOutcome.AccountDisabled();
        }

        if (accounts.Value.RequireVerifiedEmail && !user.IsEmailVerified)
        {
            await throttle.ResetAsync(attempt, cancellationToken);
            AuthEvents.LoginRefusedUnverified(logger, userId);
            return new LoginOutcome.EmailNotVerified();
        }

        try
        {
            var (token, key) = await tokens.CreateSessionAsync(
                user, sessions.Value.Lifetime, new SignIn(SignIn.Passkey, Mfa: true), cancellationToken,
                new SessionWrites([passkeys.Use(passkey, verified.SignCount, verified.IsBackedUp)], []));
            await throttle.ResetAsync(attempt, cancellationToken);
            PasskeyLog.LoginSucceeded(logger, userId, passkey.PasskeyId, token.TokenId);
            return new LoginOutcome.Success(user, token, key);
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            // The passkey was used (its counter moved) or removed since it was read.
            await throttle.ReleaseAsync(attempt, cancellationToken);
            Refused(ceremony.RowKey, userId, "the passkey changed during the sign-in", "conflict");
            return new LoginOutcome.PasskeyNotAccepted();
        }
    }

    private PasskeyOutcome.NotAccepted Refused(string ceremony, string userId, string reason, string code)
    {
        PasskeyLog.Refused(logger, Keys.TryParse(ceremony, out var parsed) ? parsed.TokenId : ceremony, userId, reason, code);
        return new PasskeyOutcome.NotAccepted();
    }

    private static string Transport(AuthenticatorTransport transport) => transport switch
    {
        AuthenticatorTransport.Usb => "usb",
        AuthenticatorTransport.Nfc => "nfc",
        AuthenticatorTransport.Ble => "ble",
        AuthenticatorTransport.SmartCard => "smart-card",
        AuthenticatorTransport.Hybrid => "hybrid",
        _ => "internal",
    };
}
