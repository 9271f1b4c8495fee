using Auth.Functions.Mfa;
using Auth.Functions.Tokens;

namespace Auth.Functions.Accounts;

/// <summary>
/// Enrolling, confirming, removing the second factor and replacing its recovery codes, for a signed-in
/// caller. Passwords and codes are checked as counted login attempts of the account: a stolen session
/// is not a way to guess either.
/// </summary>
public sealed class MfaSettingsService(MfaStore mfa, Reauthentication reauthentication, TimeProvider clock, ILogger<MfaSettingsService> logger)
{
    /// <summary>A new secret for the authenticator app, once the password is proven. Nothing is enforced until confirmed.</summary>
    public async Task<MfaOutcome> BeginAsync(Caller caller, string password, string network, CancellationToken cancellationToken)
    {
        if (await mfa.GetAsync(caller.UserId, cancellationToken) is { Enabled: true })
        {
            return new MfaOutcome.AlreadyEnabled();
        }

        if (await reauthentication.CheckPasswordAsync(caller, password, network, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (await mfa.BeginAsync(caller.UserId, cancellationToken) is not { } secret)
        {
            return new MfaOutcome.AlreadyEnabled();
        }

        var uri = TotpCodes.OtpauthUri(secret, mfa.Options.Issuer, caller.User.Email);
        MfaLog.Changed(logger, caller.UserId, "enrolment begun");
        return new MfaOutcome.Started(TotpCodes.Base32(secret), uri, TotpCodes.QrSvg(uri));
    }

    /// <summary>The first code from the app turns the factor on and issues the recovery codes.</summary>
    public async Task<MfaOutcome> ConfirmAsync(Caller caller, string code, CancellationToken cancellationToken)
    {
        var pending = await mfa.GetAsync(caller.UserId, cancellationToken);
        if (pending is { Enabled: true })
        {
            return new MfaOutcome.AlreadyEnabled();
        }

        if (pending is null || clock.GetUtcNow() - pending.Started > mfa.Options.EnrolmentLifetime)
        {
            // Nothing begun, or begun too long ago: begin again.
            return new MfaOutcome.NotEnabled();
        }

        if (await mfa.CheckAsync(pending, code, recoveryCode: null, cancellationToken) is not MfaProof.Totp proof)
        {
            return new MfaOutcome.InvalidCode();
        }

        var (codes, hashes, keyId) = mfa.NewRecoveryCodes();
        if (!await mfa.TryEnableAsync(pending, proof.Step, (hashes, keyId), cancellationToken))
        {
            // Confirmed by a parallel request, or begun again, meanwhile.
            return await mfa.GetAsync(caller.UserId, cancellationToken) is { Enabled: true } ? new MfaOutcome.AlreadyEnabled() : new MfaOutcome.InvalidCode();
        }

        MfaLog.Changed(logger, caller.UserId, "enabled");
        return new MfaOutcome.RecoveryCodesIssued(codes);
    }

    /// <summary>Removes the factor, with the password and a code (TOTP or recovery).</summary>
    public async Task<MfaOutcome> DisableAsync(Caller caller, string password, string code, string network, CancellationToken cancellationToken)
    {
        if (await mfa.GetAsync(caller.UserId, cancellationToken) is not { Enabled: true })
        {
            return new MfaOutcome.NotEnabled();
        }

        if (await reauthentication.CheckPasswordAsync(caller, password, network, cancellationToken) is { } wrongPassword)
        {
            return wrongPassword;
        }

        // Read after the password check: the code is judged against the factor as it is now.
        if (await mfa.GetAsync(caller.UserId, cancellationToken) is not { Enabled: true } factor)
        {
            return new MfaOutcome.NotEnabled();
        }

        var (proof, refused) = await reauthentication.ProveAsync(caller, factor, code, network, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (!await mfa.TryDisableAsync(factor, cancellationToken))
        {
            // The factor changed since the code was checked (the code used elsewhere): not proven.
            return new MfaOutcome.InvalidCode();
        }

        MfaLog.Changed(logger, caller.UserId, proof is MfaProof.Totp ? "disabled with a TOTP code" : "disabled with a recovery code");
        return new MfaOutcome.Disabled();
    }

    /// <summary>A new set of recovery codes for a code (TOTP or recovery); the old set dies in the same write.</summary>
    public async Task<MfaOutcome> RegenerateAsync(Caller caller, string code, string network, CancellationToken cancellationToken)
    {
        if (await mfa.GetAsync(caller.UserId, cancellationToken) is not { Enabled: true } factor)
        {
            return new MfaOutcome.NotEnabled();
        }

        var (proof, refused) = await reauthentication.ProveAsync(caller, factor, code, network, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (codes, hashes, keyId) = mfa.NewRecoveryCodes();
        if (!await mfa.TryReplaceRecoveryCodesAsync(factor, proof!, (hashes, keyId), cancellationToken))
        {
            return new MfaOutcome.InvalidCode();
        }

        MfaLog.Changed(logger, caller.UserId, "recovery codes replaced");
        return new MfaOutcome.RecoveryCodesIssued(codes);
    }

}
