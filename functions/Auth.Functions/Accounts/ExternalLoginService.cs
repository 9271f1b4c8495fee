using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Http;
using Auth.Functions.Identities;
using Auth.Functions.Mfa;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Auth.Functions.Verification;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Accounts;

/// <summary>
/// Sign-in with external providers. The app starts it with its own PKCE challenge; the person signs in at
/// the provider (code flow with this service's own PKCE, state and nonce); the callback verifies the
/// answer, finds, links or creates the account, and sends the app a one-minute, single-use code; the app
/// exchanges it with its verifier for a session. No key ever travels in a URL.
/// </summary>
public sealed class ExternalLoginService(
    ExternalProviders providers,
    IdentityStore identities,
    SignInMethods methods,
    UserStore users,
    TokenStore tokens,
    MfaStore mfa,
    VerificationEmails verificationEmails,
    TimeProvider clock,
    IOptions<ExternalLoginOptions> options,
    IOptions<PublicLinkOptions> links,
    IOptions<SessionOptions> sessions,
    IOptions<AccountOptions> accounts,
    ILogger<ExternalLoginService> logger)
{
    public const string Failed = "external_login_failed";

    /// <summary>This service's callback for a provider: the redirect URI registered with the provider.</summary>
    public string CallbackOf(string provider) =>
        links.Value.PublicBaseUrl.TrimEnd('/') + Routes.PathOf(Routes.ExternalLoginCallback.Replace("{provider}", Uri.EscapeDataString(provider), StringComparison.Ordinal));

    public async Task<ExternalStart> StartAsync(string providerName, string? redirectUri, string? codeChallenge, Caller? linking, CancellationToken cancellationToken)
    {
        if (!providers.TryGet(providerName, out var provider))
        {
            return new ExternalStart.NotConfigured();
        }

        if (redirectUri is null || !options.Value.AllowsRedirect(redirectUri))
        {
            return new ExternalStart.Invalid("redirectUri", "Must be one of ExternalLogin__RedirectUris, exactly.");
        }

        if (codeChallenge is not { Length: 43 } || !codeChallenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return new ExternalStart.Invalid("codeChallenge", "Must be the app's PKCE S256 challenge: base64url(SHA-256(verifier)), 43 characters.");
        }

        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var state = await identities.BeginFlowAsync(new ExternalFlowEntity
        {
            Provider = providerName,
            RedirectUri = redirectUri,
            AppCodeChallenge = codeChallenge,
            Verifier = verifier,
            Nonce = nonce,
            LinkUserId = linking?.UserId,
            LinkGeneration = linking?.User.Generation ?? 0,
        }, cancellationToken);
        try
        {
            return new ExternalStart.Redirect(await provider.AuthorizationUrlAsync(CallbackOf(providerName), state, nonce, Challenge(verifier), cancellationToken));
        }
        catch (ExternalLoginException e)
        {
            // The provider's metadata cannot be read: the app hears of it the way it hears of any failure.
            ExternalLoginLog.Refused(logger, providerName, e.Message);
            return new ExternalStart.Redirect(ExternalProviders.WithQuery(redirectUri, new Dictionary<string, string> { ["error"] = Failed }));
        }
    }

    /// <summary>
    /// The provider's answer: the URL to send the person back to (the app's, with a code or an error), or
    /// null when the state names no live sign-in (then there is nowhere safe to send them).
    /// </summary>
    public async Task<string?> CallbackAsync(string providerName, string? code, string? state, string? error, CancellationToken cancellationToken)
    {
        if (await identities.FindFlowAsync(state, cancellationToken) is not { } flow || flow.Provider != providerName
            || !await identities.TrySpendAsync(flow, cancellationToken))
        {
            ExternalLoginLog.Refused(logger, providerName, "unknown, spent or expired state");
            return null;
        }

        string Fail(string reason)
        {
            ExternalLoginLog.Refused(logger, providerName, reason);
            return ExternalProviders.WithQuery(flow.RedirectUri, new Dictionary<string, string> { ["error"] = Failed });
        }

        if (error is not null || string.IsNullOrEmpty(code) || !providers.TryGet(providerName, out var provider))
        {
            return Fail("the provider answered " + (error ?? "without a code"));
        }

        ExternalIdentity identity;
        try
        {
            identity = await provider.RedeemAsync(code, flow.Verifier, CallbackOf(providerName), flow.Nonce, cancellationToken);
        }
        catch (ExternalLoginException e)
        {
            return Fail(e.Message);
        }

        var (user, created, linkAtExchange, refusal) = await ResolveAsync(identity, flow, cancellationToken);
        if (user is null)
        {
            return Fail(refusal!);
        }

        // An explicit link is made at the exchange, once the app that started it proves it with its verifier.
        var exchangeCode = await identities.IssueCodeAsync(user, providerName, flow.AppCodeChallenge, created, linkAtExchange ? identity : null, cancellationToken);
        return ExternalProviders.WithQuery(flow.RedirectUri, new Dictionary<string, string> { ["code"] = exchangeCode });
    }

    /// <summary>
    /// The account of a verified identity: the one it is linked to; else, for an explicit link, the
    /// signed-in user's (linked at the exchange); else the account of its email, only when the provider is trusted to verify
    /// emails, says this one is verified, and the account's email is verified too; else a new account
    /// without a password. An email that belongs to an account it may not link to is refused.
    /// </summary>
    private async Task<(UserEntity? User, bool Created, bool LinkAtExchange, string? Refusal)> ResolveAsync(ExternalIdentity identity, ExternalFlowEntity flow, CancellationToken cancellationToken)
    {
        var linkUserId = flow.LinkUserId;
        var identityId = IdentityStore.IdOf(identity.Provider, identity.Subject);
        var linked = await identities.FindOwnerAsync(identityId, cancellationToken) is { } ownerId ? await LiveUserAsync(ownerId, cancellationToken) : null;
        if (linkUserId is not null)
        {
            if (linked is not null)
            {
                return linked.PartitionKey == linkUserId ? (linked, false, false, null) : (null, false, false, "the identity is linked to another account");
            }

            // The key that started the link must still be good: a revocation since refuses it.
            return await LiveUserAsync(linkUserId, cancellationToken) is { } user && user.Generation == flow.LinkGeneration && Revocation.Admits(user)
                ? (user, false, true, null)
                : (null, false, false, "the account to link to is gone, disabled, or revoked its keys since the link began");
        }

        if (linked is not null)
        {
            ExternalLoginLog.Verified(logger, identity.Provider, linked.PartitionKey, created: false, linked: false);
            return (linked, false, false, null);
        }

        if (!EmailAddress.TryParse(identity.Email, out var email))
        {
            return (null, false, false, "the provider gave no usable email");
        }

        if (await users.FindByEmailAsync(email!.Key, cancellationToken) is { } existing)
        {
            if (!(identity.MayLinkByEmail && identity.EmailVerified && existing.IsEmailVerified))
            {
                return (null, false, false, "the email belongs to an account it may not be linked to by email (unverified, or the provider's emails are not trusted)");
            }

            return await LinkAsync(existing, identity, cancellationToken) ? (existing, false, false, null) : (null, false, false, "the identity was linked meanwhile");
        }

        var now = clock.GetUtcNow();
        var created = new UserEntity
        {
            PartitionKey = UserStore.NewUserId(),
            Email = email.Display,
            NormalizedEmail = email.Normalized,
            PasswordHash = "",
            Created = now,
            PasswordChanged = now,
            EmailVerified = identity.EmailVerified,
        };
        var eraseIfUnverified = !identity.EmailVerified && accounts.Value.RequireVerifiedEmail ? now + accounts.Value.UnverifiedAccountLifetime : (DateTimeOffset?)null;
        if (await users.CreateAsync(created, email.Key, eraseIfUnverified, cancellationToken) == CreateUserOutcome.EmailTaken)
        {
            return (null, false, false, "the email was registered meanwhile");
        }

        if (!await LinkAsync(created, identity, cancellationToken))
        {
            return (null, false, false, "the identity was linked meanwhile");
        }

        if (!identity.EmailVerified)
        {
            await verificationEmails.RequestAsync(email.Key, cancellationToken);
        }

        ExternalLoginLog.Verified(logger, identity.Provider, created.PartitionKey, created: true, linked: true);
        return (created, true, false, null);
    }

    private async Task<bool> LinkAsync(UserEntity user, ExternalIdentity identity, CancellationToken cancellationToken) =>
        await identities.TryLinkAsync(user, identity, async owner => await LiveUserAsync(owner, cancellationToken) is not null, cancellationToken);

    private async Task<UserEntity?> LiveUserAsync(string userId, CancellationToken cancellationToken) =>
        await users.GetAsync(userId, cancellationToken) is { IsDeleted: false } user ? user : null;

    /// <summary>
    /// The app's exchange: the code is spent first (of two exchanges, one goes on), then the app's PKCE
    /// verifier must answer the challenge it started with. Then the account's barriers: revoked since,
    /// disabled, unverified; a second factor gets <c>mfa_required</c> and a ticket, as a password does.
    /// </summary>
    public async Task<(LoginOutcome Outcome, bool Created)> ExchangeAsync(string code, string codeVerifier, string network, CancellationToken cancellationToken)
    {
        if (await identities.FindCodeAsync(code, cancellationToken) is not { } found || !await identities.TrySpendAsync(found, cancellationToken))
        {
            ExternalLoginLog.Refused(logger, "exchange", "unknown, spent or expired code");
            return (new LoginOutcome.ExternalLoginFailed(), false);
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Challenge(codeVerifier)), Encoding.ASCII.GetBytes(found.AppCodeChallenge)))
        {
            ExternalLoginLog.Refused(logger, found.Provider, "the PKCE verifier does not answer the challenge");
            return (new LoginOutcome.ExternalLoginFailed(), false);
        }

        if (await users.GetAsync(found.PartitionKey, cancellationToken) is not { IsDeleted: false } user || user.Generation > found.Generation)
        {
            return (new LoginOutcome.ExternalLoginFailed(), false);
        }

        if (user.IsDisabled)
        {
            return (new LoginOutcome.AccountDisabled(), false);
        }

        if (accounts.Value.RequireVerifiedEmail && !user.IsEmailVerified)
        {
            return (new LoginOutcome.EmailNotVerified(), found.Created);
        }

        if (found.LinkSubject is { } subject
            && !await LinkAsync(user, new ExternalIdentity(found.Provider, subject, found.LinkEmail, EmailVerified: false, MayLinkByEmail: false), cancellationToken))
        {
            ExternalLoginLog.Refused(logger, found.Provider, "the identity was linked to another account meanwhile");
            return (new LoginOutcome.ExternalLoginFailed(), false);
        }

        if (user.HasMfa)
        {
            var (ticket, expires) = await mfa.IssueTicketAsync(user, network, cancellationToken, SignIn.External(found.Provider));
            return (new LoginOutcome.MfaRequired(ticket, expires), found.Created);
        }

        var (token, key) = await tokens.CreateSessionAsync(user, sessions.Value.Lifetime, new SignIn(SignIn.External(found.Provider), Mfa: false), cancellationToken);
        return (new LoginOutcome.Success(user, token, key), found.Created);
    }

    public Task<List<IdentityEntity>> ListAsync(Caller caller, CancellationToken cancellationToken) => identities.ListAsync(caller.UserId, cancellationToken);

    /// <summary>Unlinks one identity, unless it is the last way into an account (<see cref="SignInMethods.RemoveAsync"/>).</summary>
    public async Task<RemovalOutcome> UnlinkAsync(Caller caller, string identityId, CancellationToken cancellationToken)
    {
        var outcome = await methods.RemoveAsync(caller, ct => identities.GetAsync(caller.UserId, identityId, ct), identities.TryUnlinkAsync, cancellationToken);
        if (outcome == RemovalOutcome.Removed)
        {
            ExternalLoginLog.Unlinked(logger, caller.UserId, identityId);
        }

        return outcome;
    }

    /// <summary>PKCE S256: base64url(SHA-256(ASCII(verifier))).</summary>
    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
