using System.Net;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Auth.Functions.Tests.Integration.ExternalTestKit;

namespace Auth.Functions.Tests.Integration;

/// <summary>
/// External sign-in over HTTP against a real OpenID Connect provider running in the test (OpenIddict's
/// server), and against it misbehaving: the refusals of security case 45.
/// </summary>
public sealed class ExternalLoginTests
{
    [Fact]
    public async Task AFirstSignInCreatesAnAccountWithoutAPasswordAndTheNextSignsInToIt()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));

        var first = await SignInAndExchangeAsync(app);
        await first.ShouldBe(HttpStatusCode.OK);
        var body = await first.Json();
        Assert.True((bool)body["created"]!);
        Assert.Equal(provider.Person.Email, (string?)body["user"]!["email"]);
        Assert.False((bool)body["user"]!["hasPassword"]!);
        Assert.True((bool)body["user"]!["emailVerified"]!);
        var key = (string)body["token"]!["key"]!;
        var userId = (string)body["user"]!["id"]!;
        // The provider was sent to this service's callback.
        Assert.Equal($"{AuthApp.PublicBaseUrl}/api/auth/external/{Provider}/callback", Assert.Single(provider.RedirectUris));

        var second = await SignInAndExchangeAsync(app);
        await second.ShouldBe(HttpStatusCode.OK);
        Assert.False((bool)(await second.Json())["created"]!);
        Assert.Equal(userId, (string?)(await second.Json())["user"]!["id"]);

        var identities = (await (await app.Api(key).GetAsync("/api/auth/identities")).Json())["items"]!.AsArray();
        var identity = Assert.Single(identities)!;
        Assert.Equal(Provider, (string?)identity["provider"]);
        Assert.Equal(provider.Person.Subject, (string?)identity["subject"]);
        var events = (await (await app.Api(key).GetAsync("/api/auth/events")).Json())["items"]!.AsArray();
        Assert.Equal(2, events.Count(e => (string?)e!["type"] == "login_succeeded" && (string?)e["method"] == "external:corp"));
        Assert.Contains(events, e => (string?)e!["type"] == "external_identity_linked");
        // No password: a password login is refused as for a wrong one.
        await (await app.Api().PostAsync("/api/auth/login", new { email = provider.Person.Email, password = "" })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await app.Api().PostAsync("/api/auth/login", new { email = provider.Person.Email, password = "anything at all" })).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task AVerifiedEmailLinksToTheAccountOfThatEmailOnlyWhenTheProviderIsTrustedAndBothAreVerified()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var trusting = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider, trustVerifiedEmail: true));
        var (email, _, key, userId) = await trusting.Api().NewUserAsync();
        // The account's own email is verified (tests register with verification off: it counts as unverified).
        await MarkVerifiedAsync(trusting, userId);

        // The provider says the email is not verified: no link, and no second account for that address.
        provider.Person = new TestPerson("unverified-" + Guid.NewGuid().ToString("N")[..6], email, EmailVerified: false);
        var (_, challenge) = Pkce();
        Assert.Equal(Failed, Parameter(await SignInAsync(trusting, challenge), "error"));

        // Verified at the provider: linked, and signed in to the same account.
        provider.Person = provider.Person with { EmailVerified = true };
        var linked = await SignInAndExchangeAsync(trusting);
        await linked.ShouldBe(HttpStatusCode.OK);
        Assert.Equal(userId, (string?)(await linked.Json())["user"]!["id"]);
        Assert.False((bool)(await linked.Json())["created"]!);
        await trusting.Mail.WaitForAsync(email, m => m.Subject == "A sign-in provider was linked");
        Assert.True((bool)(await (await trusting.Api(key).GetAsync("/api/auth/me")).Json())["user"]!["hasPassword"]!);

        // A provider whose emails are not trusted (the default for any OIDC provider) never links by email.
        await using var cautious = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var (otherEmail, _, _, otherId) = await cautious.Api().NewUserAsync();
        await MarkVerifiedAsync(cautious, otherId);
        provider.Person = new TestPerson("cautious-" + Guid.NewGuid().ToString("N")[..6], otherEmail, EmailVerified: true);
        (_, challenge) = Pkce();
        Assert.Equal(Failed, Parameter(await SignInAsync(cautious, challenge), "error"));
    }

    [Fact]
    public async Task AnAddressTheProviderDoesNotVouchForMakesAnUnverifiedAccountThatMustVerifyItFirst()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        var settings = Settings(provider);
        settings["Accounts:RequireVerifiedEmail"] = "true"; // the service's default
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: settings);
        provider.Person = provider.Person with { EmailVerified = false };

        // The account is made, unverified, and the usual verification email goes out; until the address
        // is verified, the exchange answers as a login does.
        await (await SignInAndExchangeAsync(app)).ShouldBeProblem(HttpStatusCode.Forbidden, "email_not_verified");
        var token = CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(provider.Person.Email, CapturingEmailSender.IsVerificationEmail));
        await (await app.Api().PostAsync("/api/auth/email/verify", new { token })).ShouldBe(HttpStatusCode.NoContent);

        var verified = await SignInAndExchangeAsync(app);
        await verified.ShouldBe(HttpStatusCode.OK);
        Assert.True((bool)(await verified.Json())["user"]!["emailVerified"]!);
        Assert.False((bool)(await verified.Json())["created"]!);
    }

    [Fact]
    public async Task AnExchangeRespectsTheSecondFactorAndADisabledAccount()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider, trustVerifiedEmail: true));
        var user = await MfaTestKit.NewEnrolledUserAsync(app);
        await MarkVerifiedAsync(app, user.UserId);
        provider.Person = new TestPerson("mfa-" + Guid.NewGuid().ToString("N")[..6], user.Email, EmailVerified: true);

        var exchanged = await SignInAndExchangeAsync(app);
        var problem = await exchanged.ShouldBeProblem(HttpStatusCode.Unauthorized, "mfa_required");
        var completed = await MfaTestKit.CompleteAsync(app, (string)problem["mfaTicket"]!, code: MfaTestKit.CodeNow(app, user.Secret));
        await completed.ShouldBe(HttpStatusCode.OK);
        var events = (await (await app.Api(user.Key).GetAsync("/api/auth/events")).Json())["items"]!.AsArray();
        var login = events.First(e => (string?)e!["type"] == "login_succeeded")!;
        Assert.Equal("external:corp", (string?)login["method"]);
        Assert.True((bool?)login["mfa"]);

        var admin = app.Api(await AdminTestKit.AdminKeyAsync(app));
        await (await admin.PostAsync($"/api/admin/users/{user.UserId}/disable", new { reason = "tests" })).ShouldBe(HttpStatusCode.NoContent);
        await (await SignInAndExchangeAsync(app)).ShouldBeProblem(HttpStatusCode.Forbidden, "account_disabled");
    }

    [Fact]
    public async Task StartRefusesAnUnlistedRedirectABadChallengeAndAnUnknownProvider()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var (_, challenge) = Pkce();

        await (await StartAsync(app, challenge, redirectUri: "https://evil.example/signed-in")).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await StartAsync(app, challenge, redirectUri: RedirectUri + "/more")).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await StartAsync(app, "not-a-challenge")).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await StartAsync(app, challenge, provider: "nobody")).ShouldBeProblem(HttpStatusCode.NotFound, "provider_not_configured");
        await (await StartAsync(app, challenge, key: "afs_sess_junk")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Empty(provider.RedirectUris);
    }

    [Fact]
    public async Task AWrongStateIsRefusedAndAStateWorksOnce()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var (_, challenge) = Pkce();
        var callback = await AtProviderAsync((await StartAsync(app, challenge)).Headers.Location!);
        var state = Parameter(callback, "state")!;

        var forged = new Uri(callback.ToString().Replace(Uri.EscapeDataString(state), Uri.EscapeDataString(state[..^4] + "AAAA"), StringComparison.Ordinal));
        await (await CallbackAsync(app, forged)).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");
        await (await CallbackAsync(app, new Uri(callback.GetLeftPart(UriPartial.Path) + "?code=x"))).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");

        var first = await CallbackAsync(app, callback);
        Assert.NotNull(Parameter(first.Headers.Location!, "code"));
        await (await CallbackAsync(app, callback)).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");
    }

    [Fact]
    public async Task AStateIsGoodForTenMinutesAndAnExchangeCodeForOneAndOnce()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var (verifier, challenge) = Pkce();

        var callback = await AtProviderAsync((await StartAsync(app, challenge)).Headers.Location!);
        app.Clock!.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        await (await CallbackAsync(app, callback)).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");

        var code = Parameter(await SignInAsync(app, challenge), "code");
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await (await ExchangeAsync(app, code, verifier)).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");

        code = Parameter(await SignInAsync(app, challenge), "code");
        await (await ExchangeAsync(app, code, verifier)).ShouldBe(HttpStatusCode.OK);
        await (await ExchangeAsync(app, code, verifier)).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");
    }

    [Fact]
    public async Task TwoUsesAtOnceOfOneStateOrOneCodeGiveOneSignIn()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var (verifier, challenge) = Pkce();
        var callback = await AtProviderAsync((await StartAsync(app, challenge)).Headers.Location!);

        // The first callback has read the state and is held at the delete that spends it; the second
        // reads the same state, spends it and goes on; then the first is let go.
        var held = app.Storage.PauseAt(r => r.Method == "DELETE" && r.RowKey?.StartsWith("xfl-", StringComparison.Ordinal) == true);
        var first = CallbackAsync(app, callback);
        await held.WaitReachedAsync();
        var second = await CallbackAsync(app, callback);
        held.Release();
        var answers = new[] { (await first).StatusCode, second.StatusCode };
        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Unauthorized], answers.Order());
        var code = Parameter(((await first).StatusCode == HttpStatusCode.Redirect ? await first : second).Headers.Location!, "code");

        // The same for the code handed to the app: one session.
        held = app.Storage.PauseAt(r => r.Method == "DELETE" && r.RowKey?.StartsWith("xcd-", StringComparison.Ordinal) == true);
        var firstExchange = ExchangeAsync(app, code, verifier);
        await held.WaitReachedAsync();
        var secondExchange = await ExchangeAsync(app, code, verifier);
        held.Release();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Unauthorized], new[] { (await firstExchange).StatusCode, secondExchange.StatusCode }.Order());
    }

    [Fact]
    public async Task AnExchangeNeedsTheAppsOwnPkceVerifier()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var (verifier, challenge) = Pkce();

        var code = Parameter(await SignInAsync(app, challenge), "code");
        await (await ExchangeAsync(app, code, null)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await ExchangeAsync(app, code, Pkce().Verifier)).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");
        // The wrong verifier spent the code: the right one comes too late.
        await (await ExchangeAsync(app, code, verifier)).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");
        await (await ExchangeAsync(app, "afs_xcode_junk", verifier)).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");
    }

    public static TheoryData<string> Forgeries => ["nonce", "audience", "issuer", "signature", "expired"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task AnIdTokenWithAnotherNonceAudienceIssuerOrSignatureOrExpiredIsRefused(string forgery)
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var (_, challenge) = Pkce();

        provider.NextChange = forgery switch
        {
            "nonce" => new IdTokenChange(Nonce: "another sign-in's nonce"),
            "audience" => new IdTokenChange(Audience: "another-client"),
            "issuer" => new IdTokenChange(Issuer: "http://localhost:1/"),
            "signature" => new IdTokenChange(SigningKey: new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = provider.SigningKey.KeyId }),
            _ => new IdTokenChange(Expires: DateTime.UtcNow.AddMinutes(-5)),
        };
        Assert.Equal(Failed, Parameter(await SignInAsync(app, challenge), "error"));
        Assert.Null(provider.NextChange); // the forged token was the one answered
        Assert.Contains(app.Logs.Lines, l => l.EventId == 1130);

        // The provider behaving again: the same person signs in.
        await (await SignInAndExchangeAsync(app)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ASignedInUserLinksAnIdentityListsItAndCannotUnlinkTheLastWayIn()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var (email, _, key, userId) = await app.Api().NewUserAsync();

        // Explicit link: StartExternalLogin with the user's key (the provider's email is someone else's).
        provider.Person = new TestPerson("linked-" + Guid.NewGuid().ToString("N")[..6], "elsewhere@example.com", EmailVerified: false);
        var (verifier, challenge) = Pkce();
        var back = await SignInAsync(app, challenge, key);
        // Nothing is linked until the app that started the link exchanges its code with its verifier:
        // someone else's sign-in at the provider, sent to a link begun with this key, links nothing.
        Assert.Empty((await (await app.Api(key).GetAsync("/api/auth/identities")).Json())["items"]!.AsArray());
        await (await ExchangeAsync(app, Parameter(back, "code"), Pkce().Verifier)).ShouldBeProblem(HttpStatusCode.Unauthorized, "external_login_failed");
        Assert.Empty((await (await app.Api(key).GetAsync("/api/auth/identities")).Json())["items"]!.AsArray());
        back = await SignInAsync(app, challenge, key);
        var exchanged = await ExchangeAsync(app, Parameter(back, "code"), verifier);
        await exchanged.ShouldBe(HttpStatusCode.OK);
        Assert.Equal(userId, (string?)(await exchanged.Json())["user"]!["id"]);
        var identity = Assert.Single((await (await app.Api(key).GetAsync("/api/auth/identities")).Json())["items"]!.AsArray())!;
        await app.Mail.WaitForAsync(email, m => m.Subject == "A sign-in provider was linked");

        // The account has a password: the identity can go.
        await (await app.Api(key).DeleteAsync("/api/auth/identities/AAAAAAAAAAAAAAAAAAAAAA")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await app.Api(key).DeleteAsync($"/api/auth/identities/{identity["id"]}")).ShouldBe(HttpStatusCode.NoContent);
        Assert.Contains("external_identity_unlinked", await MfaTestKit.EventTypesAsync(app, key));
        // Unlinked, the subject is free: signing in makes a new account.
        var fresh = await SignInAndExchangeAsync(app);
        Assert.True((bool)(await fresh.Json())["created"]!);

        // That account has no password: its only identity stays.
        var freshKey = (string)(await fresh.Json())["token"]!["key"]!;
        var only = Assert.Single((await (await app.Api(freshKey).GetAsync("/api/auth/identities")).Json())["items"]!.AsArray())!;
        await (await app.Api(freshKey).DeleteAsync($"/api/auth/identities/{only["id"]}")).ShouldBeProblem(HttpStatusCode.Conflict, "last_sign_in_method");
    }

    [Fact]
    public async Task ALinkBegunWithAKeyIsRefusedOnceThatKeyIsRevoked()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var (email, password, key, _) = await app.Api().NewUserAsync();
        var (_, challenge) = Pkce();
        var start = await StartAsync(app, challenge, key);

        await (await app.Api(key).DeleteAsync("/api/tokens")).ShouldBe(HttpStatusCode.NoContent);
        var back = await CallbackAsync(app, await AtProviderAsync(start.Headers.Location!));

        Assert.Equal(Failed, Parameter(back.Headers.Location!, "error"));
        var fresh = await app.Api().LoginAsync(email, password);
        Assert.Empty((await (await app.Api(fresh).GetAsync("/api/auth/identities")).Json())["items"]!.AsArray());
    }

    [Fact]
    public async Task AnAccountWithoutAPasswordIsErasedWithAFreshSignInAndItsIdentityIsFreeAgain()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var key = (string)(await (await SignInAndExchangeAsync(app)).Json())["token"]!["key"]!;

        app.Clock!.Advance(TimeSpan.FromMinutes(6));
        await (await app.Api(key).SendAsync(HttpMethod.Delete, "/api/auth/account", new { })).ShouldBeProblem(HttpStatusCode.Unauthorized, "reauthentication_required");
        var fresh = (string)(await (await SignInAndExchangeAsync(app)).Json())["token"]!["key"]!;
        await (await app.Api(fresh).SendAsync(HttpMethod.Delete, "/api/auth/account", new { })).ShouldBe(HttpStatusCode.NoContent);

        var again = await SignInAndExchangeAsync(app);
        await again.ShouldBe(HttpStatusCode.OK);
        Assert.True((bool)(await again.Json())["created"]!);
    }

    [Fact]
    public async Task GitHubSignsInByItsIdAndLinksOnlyByAVerifiedPrimaryAddress()
    {
        await using var github = await GitHubStandIn.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: github.Settings(RedirectUri));

        var created = await SignInAndExchangeAsync(app, provider: "github");
        await created.ShouldBe(HttpStatusCode.OK);
        Assert.True((bool)(await created.Json())["created"]!);
        Assert.Equal(github.User.PrimaryEmail, (string?)(await created.Json())["user"]!["email"]);
        var key = (string)(await created.Json())["token"]!["key"]!;
        var identity = Assert.Single((await (await app.Api(key).GetAsync("/api/auth/identities")).Json())["items"]!.AsArray())!;
        Assert.Equal(github.User.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)identity["subject"]);

        // An existing verified account: GitHub's verified primary address links to it; an unverified one does not.
        var (email, _, _, userId) = await app.Api().NewUserAsync();
        await MarkVerifiedAsync(app, userId);
        github.User = new GitHubUser(github.User.Id + 1, email, Verified: false);
        var (_, challenge) = Pkce();
        Assert.Equal(Failed, Parameter(await SignInAsync(app, challenge, provider: "github"), "error"));
        github.User = github.User with { Verified = true };
        var linked = await SignInAndExchangeAsync(app, provider: "github");
        Assert.Equal(userId, (string?)(await linked.Json())["user"]!["id"]);
        var events = (await (await app.Api((string)(await linked.Json())["token"]!["key"]!).GetAsync("/api/auth/events")).Json())["items"]!.AsArray();
        Assert.Contains(events, e => (string?)e!["method"] == "external:github");
    }

    [Fact]
    public async Task IdentitiesAreInTheExportAndTheAdminViewAndThePurgeDeletesUnfinishedSignIns()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: Settings(provider));
        var body = await (await SignInAndExchangeAsync(app)).Json();
        var key = (string)body["token"]!["key"]!;
        var userId = (string)body["user"]!["id"]!;

        var export = await (await app.Api(key).GetAsync("/api/auth/account/export")).Json();
        Assert.Equal(provider.Person.Subject, (string?)Assert.Single(export["identities"]!.AsArray())!["subject"]);
        var admin = app.Api(await AdminTestKit.AdminKeyAsync(app));
        var adminView = await (await admin.GetAsync($"/api/admin/users/{userId}")).Json();
        Assert.Equal(Provider, (string?)Assert.Single(adminView["user"]!["identities"]!.AsArray())!["provider"]);

        // A sign-in nobody finished, and a code nobody exchanged: gone once their hour has passed.
        var (_, challenge) = Pkce();
        await StartAsync(app, challenge);
        await SignInAsync(app, challenge);
        app.Clock!.Advance(TimeSpan.FromHours(2));
        var purged = await app.Services.GetRequiredService<Auth.Functions.Purge.PurgeService>().RunAsync(CancellationToken.None);
        Assert.Equal(2, purged.ExternalLogins);
    }

    private const string Failed = "external_login_failed";

    private static async Task MarkVerifiedAsync(AuthApp app, string userId)
    {
        var user = (await app.Tables.Users.GetEntityAsync<Azure.Data.Tables.TableEntity>(userId, "user")).Value;
        user["EmailVerified"] = true;
        await app.Tables.Users.UpdateEntityAsync(user, user.ETag);
    }
}
