using System.Net;
using Auth.Functions.Purge;
using Auth.Functions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using static Auth.Functions.Tests.Integration.PasskeyTestKit;

namespace Auth.Functions.Tests.Integration;

/// <summary>
/// Passkey ceremonies against Azurite, with a <see cref="SoftAuthenticator"/> standing in for the browser
/// (the browser itself is in <see cref="PasskeyBrowserTests"/>): stale, reused, foreign and forged
/// answers, races on one ceremony, and the barriers a sign-in must respect.
/// </summary>
public sealed class PasskeyTests
{
    [Fact]
    public async Task APasskeySignsInWithNoEmailTypedAndIsListedExportedAndEmailed()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (email, _, key, userId) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();

        var (ceremony, options) = await BeginRegistrationAsync(app, key, "Phone");
        // WebAuthn's JSON form, as parseCreationOptionsFromJSON takes it.
        Assert.Equal("localhost", (string?)options["rp"]!["id"]);
        Assert.Equal("required", (string?)options["authenticatorSelection"]!["residentKey"]);
        Assert.Equal("required", (string?)options["authenticatorSelection"]!["userVerification"]);
        Assert.Equal("none", (string?)options["attestation"]);
        Assert.Empty(options["excludeCredentials"]!.AsArray());
        var created = await FinishRegistrationAsync(app, key, ceremony, authenticator.Create(options));
        await created.ShouldBe(HttpStatusCode.Created);
        var passkey = (await created.Json())["passkey"]!;
        Assert.Equal("Phone", (string?)passkey["label"]);
        Assert.Equal($"/api/auth/passkeys/{passkey["id"]}", created.Headers.Location?.OriginalString);
        await app.Mail.WaitForAsync(email, m => m.Subject == "A passkey was added");

        // A second registration excludes it.
        var (_, again) = await BeginRegistrationAsync(app, key);
        Assert.Single(again["excludeCredentials"]!.AsArray());

        var (loginCeremony, loginOptions) = await BeginLoginAsync(app);
        Assert.Empty(loginOptions["allowCredentials"]!.AsArray());
        Assert.Equal("required", (string?)loginOptions["userVerification"]);
        var signedIn = await FinishLoginAsync(app, loginCeremony, authenticator.Get(loginOptions));
        await signedIn.ShouldBe(HttpStatusCode.OK);
        var session = (string)(await signedIn.Json())["token"]!["key"]!;
        Assert.StartsWith("afs_sess_", session, StringComparison.Ordinal);
        var me = await (await app.Api(session).GetAsync("/api/auth/me")).Json();
        Assert.Equal(userId, (string?)me["user"]!["id"]);

        var listed = (await (await app.Api(session).GetAsync("/api/auth/passkeys")).Json())["items"]!.AsArray();
        var item = Assert.Single(listed)!;
        Assert.Equal((string?)passkey["id"], (string?)item["id"]);
        Assert.Equal(app.Clock!.GetUtcNow(), (DateTimeOffset?)item["lastUsed"]);
        Assert.Null(item["publicKey"]);
        var export = await (await app.Api(session).GetAsync("/api/auth/account/export")).Json();
        Assert.Equal((string?)passkey["id"], (string?)Assert.Single(export["passkeys"]!.AsArray())!["id"]);
        var types = await MfaTestKit.EventTypesAsync(app, session);
        Assert.Contains("passkey_added", types);
    }

    [Fact]
    public async Task APasskeySignInOfAnMfaAccountIsNotAskedForACode()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await MfaTestKit.NewEnrolledUserAsync(app);
        using var authenticator = new SoftAuthenticator();
        await AddPasskeyAsync(app, user.Key, authenticator);

        var signedIn = await SignInAsync(app, authenticator);
        await signedIn.ShouldBe(HttpStatusCode.OK);
        var events = (await (await app.Api(user.Key).GetAsync("/api/auth/events")).Json())["items"]!.AsArray();
        var login = events.First(e => (string?)e!["type"] == "login_succeeded")!;
        Assert.Equal("passkey", (string?)login["method"]);
        Assert.True((bool?)login["mfa"]);
    }

    [Fact]
    public async Task AddingAPasskeyNeedsASessionFromARecentSignIn()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var (_, apiKey) = await app.Api(session).CreateApiKeyAsync();

        // A passkey outlives keys and resets: an API key, or a session from a sign-in over 10 minutes
        // ago, cannot add one.
        var refused = await app.Api(apiKey).PostAsync("/api/auth/passkeys/register/options", new { });
        await refused.ShouldBeProblem(HttpStatusCode.Unauthorized, "reauthentication_required");
        app.Clock!.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        await (await app.Api(session).PostAsync("/api/auth/passkeys/register/options", new { })).ShouldBeProblem(HttpStatusCode.Unauthorized, "reauthentication_required");
        await (await app.Api(session).GetAsync("/api/auth/passkeys")).ShouldBe(HttpStatusCode.OK);

        // Signing in again is enough.
        using var authenticator = new SoftAuthenticator();
        await AddPasskeyAsync(app, await app.Api().LoginAsync(email, password), authenticator);
        await (await SignInAsync(app, authenticator)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ACeremonyWorksOnceAndNotAfterFiveMinutes()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, _) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();

        // Registration: a spent ceremony is refused, even with a new credential.
        var (ceremony, options) = await BeginRegistrationAsync(app, key);
        await (await FinishRegistrationAsync(app, key, ceremony, authenticator.Create(options))).ShouldBe(HttpStatusCode.Created);
        using var second = new SoftAuthenticator();
        await (await FinishRegistrationAsync(app, key, ceremony, second.Create(options))).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");

        // Sign-in: the same.
        var (loginCeremony, loginOptions) = await BeginLoginAsync(app);
        await (await FinishLoginAsync(app, loginCeremony, authenticator.Get(loginOptions))).ShouldBe(HttpStatusCode.OK);
        await (await FinishLoginAsync(app, loginCeremony, authenticator.Get(loginOptions))).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");

        // Five minutes and a second: both kinds are stale.
        var (late, lateOptions) = await BeginLoginAsync(app);
        var (lateRegistration, lateRegistrationOptions) = await BeginRegistrationAsync(app, key);
        app.Clock!.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await (await FinishLoginAsync(app, late, authenticator.Get(lateOptions))).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        await (await FinishRegistrationAsync(app, key, lateRegistration, second.Create(lateRegistrationOptions))).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");

        // A registration ceremony is its user's only.
        var (_, _, otherKey, _) = await app.Api().NewUserAsync();
        var (mine, mineOptions) = await BeginRegistrationAsync(app, key);
        await (await FinishRegistrationAsync(app, otherKey, mine, second.Create(mineOptions))).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
    }

    [Fact]
    public async Task ASignatureCounterThatGoesBackwardsOrDropsToZeroIsRefusedAndLogged()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, _) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();
        await AddPasskeyAsync(app, key, authenticator);

        await (await SignInAsync(app, authenticator, counter: 5)).ShouldBe(HttpStatusCode.OK);
        await (await SignInAsync(app, authenticator, counter: 3)).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        await (await SignInAsync(app, authenticator, counter: 5)).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        // Fido2 itself lets a counter fall back to 0 (it checks only a nonzero new value); the service does not.
        await (await SignInAsync(app, authenticator, counter: 0)).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        Assert.Equal(3, app.Logs.Lines.Count(l => l.EventId == 1122 && l.State.Contains("InvalidSignCount", StringComparison.Ordinal)));
        // The authenticator that moves on still works.
        await (await SignInAsync(app, authenticator, counter: 6)).ShouldBe(HttpStatusCode.OK);

        // A synced passkey keeps no counter: 0, every time, from registration on.
        using var synced = new SoftAuthenticator();
        await AddPasskeyAsync(app, key, synced);
        await (await SignInAsync(app, synced, counter: 0)).ShouldBe(HttpStatusCode.OK);
        await (await SignInAsync(app, synced, counter: 0)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnswersForAnotherRpIdFromAnUnlistedOriginWithoutUserVerificationOrWithAnotherKeyAreRefused()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, _) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();

        var (ceremony, options) = await BeginRegistrationAsync(app, key);
        await (await FinishRegistrationAsync(app, key, ceremony, authenticator.Create(options, asRpId: "example.com"))).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        (ceremony, options) = await BeginRegistrationAsync(app, key);
        await (await FinishRegistrationAsync(app, key, ceremony, authenticator.Create(options, asOrigin: "http://localhost:8080"))).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        (ceremony, options) = await BeginRegistrationAsync(app, key);
        await (await FinishRegistrationAsync(app, key, ceremony, authenticator.Create(options, verified: false))).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        Assert.Empty((await (await app.Api(key).GetAsync("/api/auth/passkeys")).Json())["items"]!.AsArray());

        await AddPasskeyAsync(app, key, authenticator);
        await (await SignInAsync(app, authenticator, asRpId: "example.com")).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        await (await SignInAsync(app, authenticator, asOrigin: "https://evil.example")).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        await (await SignInAsync(app, authenticator, verified: false)).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        // The credential id and user handle are not secrets: signing with any key but the registered one fails.
        using var impostor = authenticator.Impostor();
        await (await SignInAsync(app, impostor)).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        await (await SignInAsync(app, authenticator)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TwoFinishesOfOneSignInCeremonyGiveOneSession()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, _) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();
        await AddPasskeyAsync(app, key, authenticator);
        var (ceremony, options) = await BeginLoginAsync(app);
        var (first, second) = (authenticator.Get(options), authenticator.Get(options));

        // The first has read the ceremony and is held at the delete that spends it; the second reads the
        // same ceremony, spends it and finishes; then the first goes on.
        var held = app.Storage.PauseAt(r => r.Method == "DELETE" && r.RowKey?.StartsWith("pkc-", StringComparison.Ordinal) == true);
        var firstFinish = FinishLoginAsync(app, ceremony, first);
        await held.WaitReachedAsync();
        var secondFinish = await FinishLoginAsync(app, ceremony, second);
        held.Release();
        var firstAnswer = await firstFinish;

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Unauthorized], new[] { firstAnswer.StatusCode, secondFinish.StatusCode }.Order());
        var events = (await (await app.Api(key).GetAsync("/api/auth/events")).Json())["items"]!.AsArray();
        Assert.Single(events, e => (string?)e!["type"] == "login_succeeded" && (string?)e["method"] == "passkey");
    }

    [Fact]
    public async Task TwoFinishesOfOneRegistrationCeremonyAddOnePasskey()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, _) = await app.Api().NewUserAsync();
        using var one = new SoftAuthenticator();
        using var other = new SoftAuthenticator();
        var (ceremony, options) = await BeginRegistrationAsync(app, key);

        var held = app.Storage.PauseAt(r => r.IsBatch && r.Body.Contains("RowKey='pkc-", StringComparison.Ordinal));
        var firstFinish = FinishRegistrationAsync(app, key, ceremony, one.Create(options));
        await held.WaitReachedAsync();
        var secondFinish = await FinishRegistrationAsync(app, key, ceremony, other.Create(options));
        held.Release();
        var firstAnswer = await firstFinish;

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Unauthorized], new[] { firstAnswer.StatusCode, secondFinish.StatusCode }.Order());
        Assert.Single((await (await app.Api(key).GetAsync("/api/auth/passkeys")).Json())["items"]!.AsArray());
    }

    [Fact]
    public async Task ASignInRespectsDisabledUnverifiedAndThrottledAccounts()
    {
        // Verification required (the service's default): the account is verified, then (as an admin
        // tool might) marked unverified again.
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), settings: new Dictionary<string, string?> { ["Accounts:RequireVerifiedEmail"] = "true" });
        var email = $"user-{Guid.NewGuid():N}@example.com";
        const string password = "a perfectly fine passphrase";
        var userId = (string)(await app.Api().RegisterAsync(email, password))["id"]!;
        await SetVerifiedAsync(app, userId, true);
        var key = await app.Api().LoginAsync(email, password);
        using var authenticator = new SoftAuthenticator();
        await AddPasskeyAsync(app, key, authenticator);

        await SetVerifiedAsync(app, userId, false);
        await (await SignInAsync(app, authenticator)).ShouldBeProblem(HttpStatusCode.Forbidden, "email_not_verified");
        await SetVerifiedAsync(app, userId, true);

        // Wrong passwords until the account backs off: the passkey waits too.
        HttpResponseMessage refused;
        var tries = 0;
        do
        {
            refused = await app.Api().PostAsync("/api/auth/login", new { email, password = "not the password at all" });
        }
        while (refused.StatusCode != HttpStatusCode.TooManyRequests && ++tries < 50);
        var throttled = await SignInAsync(app, authenticator);
        await throttled.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.NotNull(throttled.Headers.RetryAfter);
        app.Clock!.Advance(TimeSpan.FromDays(1));
        await (await SignInAsync(app, authenticator)).ShouldBe(HttpStatusCode.OK);

        var admin = app.Api(await AdminTestKit.AdminKeyAsync(app));
        await (await admin.PostAsync($"/api/admin/users/{userId}/disable", new { reason = "tests" })).ShouldBe(HttpStatusCode.NoContent);
        await (await SignInAsync(app, authenticator)).ShouldBeProblem(HttpStatusCode.Forbidden, "account_disabled");
        await (await admin.PostAsync($"/api/admin/users/{userId}/enable", new { })).ShouldBe(HttpStatusCode.NoContent);
        await (await SignInAsync(app, authenticator)).ShouldBe(HttpStatusCode.OK);
        var adminView = await (await admin.GetAsync($"/api/admin/users/{userId}")).Json();
        Assert.Single(adminView["user"]!["passkeys"]!.AsArray());
    }

    private static Task SetVerifiedAsync(AuthApp app, string userId, bool verified) => SetUserColumnAsync(app, userId, "EmailVerified", verified);

    /// <summary>Sets up an account state no endpoint makes yet (unverified again, no password) on its user row.</summary>
    private static async Task SetUserColumnAsync(AuthApp app, string userId, string column, object value)
    {
        var user = (await app.Tables.Users.GetEntityAsync<TableEntity>(userId, "user")).Value;
        user[column] = value;
        await app.Tables.Users.UpdateEntityAsync(user, user.ETag);
    }

    [Fact]
    public async Task ASignInSessionDiesWithARevocationLikeAnyOther()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, _) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();
        await AddPasskeyAsync(app, key, authenticator);
        var session = (string)(await (await SignInAsync(app, authenticator)).Json())["token"]!["key"]!;

        await (await app.Api(key).DeleteAsync("/api/tokens")).ShouldBe(HttpStatusCode.NoContent);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        // The passkey itself is a way in, not a key: it still signs in.
        await (await SignInAsync(app, authenticator)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ASignInThatVerifiedItsPasskeyBeforeARevokeAllAnsweredMintsASessionThatIsAlreadyDead()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, _) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();
        await AddPasskeyAsync(app, key, authenticator);

        // Held at the transaction that moves the counter and adds the session: the passkey verified,
        // the user row (and its generation) read.
        var held = app.Storage.PauseAt(r => r.IsBatch && r.Body.Contains("RowKey='pk-", StringComparison.Ordinal));
        var signingIn = SignInAsync(app, authenticator);
        await held.WaitReachedAsync();
        await (await app.Api(key).DeleteAsync("/api/tokens")).ShouldBe(HttpStatusCode.NoContent);
        held.Release();
        var answer = await signingIn;

        await answer.ShouldBe(HttpStatusCode.OK);
        var session = (string)(await answer.Json())["token"]!["key"]!;
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task AnErasedAccountsPasskeysAreGoneWithIt()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, password, key, userId) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();
        await AddPasskeyAsync(app, key, authenticator);
        // The registration's verification email mints its link row in the partition from the queue: a
        // row that lands after the erasure is the purge's sweep's (ErasureTests); this test is about passkeys.
        await app.QuietAsync();

        await (await app.Api(key).SendAsync(HttpMethod.Delete, "/api/auth/account", new { password })).ShouldBe(HttpStatusCode.NoContent);

        await (await SignInAsync(app, authenticator)).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        var rows = app.Tables.Users.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {userId}"), select: ["RowKey"]);
        Assert.Empty(await rows.ToListAsync());
    }

    [Fact]
    public async Task RemovingAPasskeyIsRecordedAndEmailedAndTheLastWayIntoAnAccountIsKept()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (email, _, key, userId) = await app.Api().NewUserAsync();
        using var first = new SoftAuthenticator();
        using var second = new SoftAuthenticator();
        var one = (string)(await AddPasskeyAsync(app, key, first, "One"))["id"]!;
        var two = (string)(await AddPasskeyAsync(app, key, second, "Two"))["id"]!;

        await (await app.Api(key).DeleteAsync("/api/auth/passkeys/AAAAAAAAAAAAAAAAAAAAAA")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await app.Api(key).DeleteAsync("/api/auth/passkeys/not-an-id")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        var (_, _, otherKey, _) = await app.Api().NewUserAsync();
        await (await app.Api(otherKey).DeleteAsync($"/api/auth/passkeys/{one}")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");

        await (await app.Api(key).DeleteAsync($"/api/auth/passkeys/{one}")).ShouldBe(HttpStatusCode.NoContent);
        await app.Mail.WaitForAsync(email, m => m.Subject == "A passkey was removed");
        Assert.Contains("passkey_removed", await MfaTestKit.EventTypesAsync(app, key));
        await (await SignInAsync(app, first)).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");

        // An account without a password (as an external sign-in will make): its one passkey stays.
        await SetUserColumnAsync(app, userId, "PasswordHash", "");
        await (await app.Api(key).DeleteAsync($"/api/auth/passkeys/{two}")).ShouldBeProblem(HttpStatusCode.Conflict, "last_sign_in_method");
        Assert.False((bool?)(await (await app.Api(key).GetAsync("/api/auth/me")).Json())["user"]!["hasPassword"]);
        await (await SignInAsync(app, second)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TwoRemovalsThatWouldLeaveAPasswordlessAccountWithNoWayInRemoveOne()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, userId) = await app.Api().NewUserAsync();
        using var first = new SoftAuthenticator();
        using var second = new SoftAuthenticator();
        var one = (string)(await AddPasskeyAsync(app, key, first, "One"))["id"]!;
        var two = (string)(await AddPasskeyAsync(app, key, second, "Two"))["id"]!;
        await SetUserColumnAsync(app, userId, "PasswordHash", "");

        // Each removal sees two passkeys; the first is held at its write until the second has removed one.
        var held = app.Storage.PauseAt(r => r.IsBatch && r.Body.Contains($"RowKey='pk-{one}'", StringComparison.Ordinal));
        var removingOne = app.Api(key).DeleteAsync($"/api/auth/passkeys/{one}");
        await held.WaitReachedAsync();
        var removingTwo = await app.Api(key).DeleteAsync($"/api/auth/passkeys/{two}");
        held.Release();
        var oneAnswer = await removingOne;

        await removingTwo.ShouldBe(HttpStatusCode.NoContent);
        await oneAnswer.ShouldBeProblem(HttpStatusCode.Conflict, "last_sign_in_method");
        Assert.Single((await (await app.Api(key).GetAsync("/api/auth/passkeys")).Json())["items"]!.AsArray());
    }

    [Fact]
    public async Task ASignInFindsThePasskeyWithPointReadsAndAJunkCeremonyCostsNoRead()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, userId) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();
        await AddPasskeyAsync(app, key, authenticator);
        var (ceremony, options) = await BeginLoginAsync(app);
        await app.QuietAsync();

        var recorded = app.Storage.Record();
        await (await FinishLoginAsync(app, ceremony, authenticator.Get(options))).ShouldBe(HttpStatusCode.OK);
        var reads = recorded.Where(r => r.IsTable && r.Method == "GET" && r.IsTo("users")).ToList();
        Assert.All(reads, r => Assert.True(r.IsPointOperation, r.Path));
        Assert.Contains(reads, r => r.RowKey?.StartsWith("pk-", StringComparison.Ordinal) == true && r.Path.Contains(userId, StringComparison.Ordinal));

        recorded = app.Storage.Record();
        await (await FinishLoginAsync(app, "afs_pkc_junk", authenticator.Get(options))).ShouldBeProblem(HttpStatusCode.Unauthorized, "passkey_not_accepted");
        Assert.DoesNotContain(recorded, r => r.IsTable);
    }

    [Fact]
    public async Task AMalformedCredentialIsA400AndLeavesTheCeremonyUsable()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, _, key, _) = await app.Api().NewUserAsync();
        using var authenticator = new SoftAuthenticator();
        var (ceremony, options) = await BeginRegistrationAsync(app, key);

        await (await app.Api(key).PostAsync("/api/auth/passkeys/register", new { ceremony, credential = "not an object" })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await app.Api(key).PostAsync("/api/auth/passkeys/register", new { ceremony, credential = new { id = "x", response = new { clientDataJSON = 5 } } })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await app.Api(key).PostAsync("/api/auth/passkeys/register", new { ceremony })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await app.Api(key).PostAsync("/api/auth/passkeys/register/options", new { label = "bad\nlabel" })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await FinishRegistrationAsync(app, key, ceremony, authenticator.Create(options))).ShouldBe(HttpStatusCode.Created);
        await (await app.Api().PostAsync("/api/auth/passkeys/login", new { ceremony = "x", credential = new[] { 1 } })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ThePurgeDeletesCeremoniesNobodyFinished()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (ceremony, _) = await BeginLoginAsync(app);
        app.Clock!.Advance(TimeSpan.FromHours(2));

        var result = await app.Services.GetRequiredService<PurgeService>().RunAsync(CancellationToken.None);

        Assert.Equal(1, result.PasskeyCeremonies);
        Assert.True(Auth.Functions.Tokens.Keys.TryParse(ceremony, out var parsed));
        Assert.False((await app.Tables.Users.GetEntityIfExistsAsync<TableEntity>("pkl-" + parsed.UserId, "pkc-" + parsed.TokenId)).HasValue);
    }
}
