using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Auth.Functions.Notifications;
using Auth.Functions.Purge;
using Auth.Functions.Storage;
using Auth.Functions.Tests.Infrastructure;
using Auth.Functions.Verification;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Functions.Tests.Integration;

/// <summary>Email verification against Azurite: the link, the login gate, resending, and what a reset proves.</summary>
public sealed class VerificationTests
{
    private const string Password = "a perfectly fine passphrase";

    /// <summary>The service's own default for RequireVerifiedEmail (the test app turns it off for other tests).</summary>
    private static readonly Dictionary<string, string?> ServiceDefaults = new() { ["Accounts:RequireVerifiedEmail"] = null };

    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    private static async Task<string> VerificationTokenAsync(AuthApp app, string email, int count = 1) =>
        CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(email, CapturingEmailSender.IsVerificationEmail, count));

    private static Task<HttpResponseMessage> VerifyAsync(AuthApp app, string token) =>
        app.Api().PostAsync("/api/auth/email/verify", new { token });

    private static async Task<List<string>> EventTypesAsync(AuthApp app, string key) =>
        [.. (await (await app.Api(key).GetAsync("/api/auth/events?limit=100")).Json())["items"]!.AsArray().Select(e => (string)e!["type"]!)];

    [Fact]
    public async Task ByDefaultLoginWaitsForTheEmailedLinkAndTheLinkWorksOnce()
    {
        await using var app = await AuthApp.StartAsync(settings: ServiceDefaults);
        var email = NewEmail();
        var user = await app.Api().RegisterAsync(email, Password);
        Assert.False((bool)user["emailVerified"]!);

        var mail = await app.Mail.WaitForAsync(email, CapturingEmailSender.IsVerificationEmail);
        Assert.Equal("Verify your email address", mail.Subject);
        Assert.StartsWith($"{AuthApp.PublicBaseUrl}/verify-email#token=afs_verify_", CapturingEmailSender.LinkIn(mail), StringComparison.Ordinal);
        Assert.Contains("24 hours", mail.PlainText, StringComparison.Ordinal);
        var token = CapturingEmailSender.TokenIn(mail);

        // The right password is told apart from a wrong one, and only it: JSON and Basic alike.
        await (await app.Api().PostAsync("/api/auth/login", new { email, password = Password }))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "email_not_verified");
        await (await app.Api().PostAsync("/api/auth/login", new { email, password = "not the passphrase" }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        var basic = new HttpRequestMessage(HttpMethod.Get, "/api/auth/login");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{Password}")));
        await (await app.Api().SendAsync(basic)).ShouldBeProblem(HttpStatusCode.Forbidden, "email_not_verified");

        await (await VerifyAsync(app, token)).ShouldBe(HttpStatusCode.NoContent);
        await (await VerifyAsync(app, token)).ShouldBeProblem(HttpStatusCode.NotFound, "verification_token_not_found");

        var login = await (await app.Api().PostAsync("/api/auth/login", new { email, password = Password })).Json();
        Assert.True((bool)login["user"]!["emailVerified"]!);
        var session = (string)login["token"]!["key"]!;
        Assert.True((bool)(await (await app.Api(session).GetAsync("/api/auth/me")).Json())["user"]!["emailVerified"]!);
        Assert.Single(await EventTypesAsync(app, session), t => t == "email_verified");
    }

    [Fact]
    public async Task WithVerificationNotRequiredAnUnverifiedAccountLogsInAndIsStillSentALink()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["Accounts:RequireVerifiedEmail"] = "false" });
        var email = NewEmail();
        await app.Api().RegisterAsync(email, Password);

        var login = await (await app.Api().PostAsync("/api/auth/login", new { email, password = Password })).Json();
        Assert.False((bool)login["user"]!["emailVerified"]!);
        await (await VerifyAsync(app, await VerificationTokenAsync(app, email))).ShouldBe(HttpStatusCode.NoContent);
        Assert.True((await app.UserAsync((string)login["user"]!["id"]!)).EmailVerified);
    }

    [Theory]
    [InlineData("")]
    [InlineData("afs_verify_garbage")]
    public async Task AMissingOrJunkTokenIsRefused(string token)
    {
        await using var app = await AuthApp.StartAsync();
        var response = await VerifyAsync(app, token);
        if (token.Length == 0)
        {
            await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        }
        else
        {
            await response.ShouldBeProblem(HttpStatusCode.NotFound, "verification_token_not_found");
        }
    }

    [Fact]
    public async Task AResetLinkIsNoVerificationLinkNorTheOtherWayRound()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var verification = await VerificationTokenAsync(app, email);
        var reset = await RecoveryTests.ForgotAndReadTokenAsync(app, email);

        await (await VerifyAsync(app, reset)).ShouldBeProblem(HttpStatusCode.NotFound, "verification_token_not_found");
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token = verification, newPassword = "the brand new passphrase" }))
            .ShouldBeProblem(HttpStatusCode.NotFound, "reset_token_not_found");
    }

    [Fact]
    public async Task AnExpiredLinkIsGoneAndANewOneCanBeAskedFor()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock, ServiceDefaults);
        var email = NewEmail();
        await app.Api().RegisterAsync(email, Password);
        var first = await VerificationTokenAsync(app, email);

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        await (await VerifyAsync(app, first)).ShouldBeProblem(HttpStatusCode.Gone, "verification_token_expired");

        await (await app.Api().PostAsync("/api/auth/email/verify/resend", new { email })).ShouldBe(HttpStatusCode.Accepted);
        var second = await VerificationTokenAsync(app, email, count: 2);
        await (await VerifyAsync(app, second)).ShouldBe(HttpStatusCode.NoContent);
        await app.Api().LoginAsync(email, Password);
    }

    [Fact]
    public async Task TheLifetimeIsASetting()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock, new Dictionary<string, string?> { ["EmailVerification:TokenLifetime"] = "00:30:00" });
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var mail = await app.Mail.WaitForAsync(email, CapturingEmailSender.IsVerificationEmail);
        Assert.Contains("30 minutes", mail.PlainText, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(30));
        await (await VerifyAsync(app, CapturingEmailSender.TokenIn(mail))).ShouldBeProblem(HttpStatusCode.Gone, "verification_token_expired");
    }

    [Fact]
    public async Task ResendAnswersAlikeForUnknownVerifiedAndUnverifiedAddressesAndMailsOnlyTheUnverified()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var unverified = NewEmail();
        await app.Api().RegisterAsync(unverified, Password);
        var (verified, _, _, _) = await app.Api().NewUserAsync();
        await (await VerifyAsync(app, await VerificationTokenAsync(app, verified))).ShouldBe(HttpStatusCode.NoContent);
        await VerificationTokenAsync(app, unverified);
        clock.Advance(TimeSpan.FromMinutes(2)); // Past the per-account interval since registration.

        var answers = new List<(HttpStatusCode, string)>();
        foreach (var email in new[] { NewEmail(), verified, unverified })
        {
            var response = await app.Api().PostAsync("/api/auth/email/verify/resend", new { email });
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.Accepted, $$"""{"message":"{{VerificationFunctions.AcceptedMessage}}"}"""), a));
        await VerificationTokenAsync(app, unverified, count: 2);
        await WaitForOutcomesAsync(app, 5); // Two registrations, three resends.
        Assert.Equal(["not-needed", "sent", "unknown-account"], Outcomes(app)[^3..].Order(StringComparer.Ordinal));
        Assert.Single(app.Mail.VerificationEmails, m => m.To == verified);

        await (await app.Api().PostAsync("/api/auth/email/verify/resend", new { email = "not an address" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ResendIsLimitedPerClientAddress()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["RateLimits:ResendVerificationPerMinute"] = "2" });
        for (var i = 0; i < 2; i++)
        {
            await (await app.Api().PostAsync("/api/auth/email/verify/resend", new { email = NewEmail() })).ShouldBe(HttpStatusCode.Accepted);
        }

        var limited = await app.Api().PostAsync("/api/auth/email/verify/resend", new { email = NewEmail() });
        await limited.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task ResendsBeyondTheAccountsShareSendNothingAndARedeliveredMessageSendsNothingMore()
    {
        await using var app = await AuthApp.StartAsync();
        var email = NewEmail();
        await app.Api().RegisterAsync(email, Password);
        await VerificationTokenAsync(app, email);
        for (var i = 0; i < 3; i++)
        {
            await (await app.Api().PostAsync("/api/auth/email/verify/resend", new { email })).ShouldBe(HttpStatusCode.Accepted);
        }

        await WaitForOutcomesAsync(app, 4);
        Assert.Equal(3, Outcomes(app).Count(o => o == "throttled")); // One per account per minute.

        // The host delivers at least once: the registration's message, again.
        var message = $$"""{"kind":"{{VerificationEmails.Kind}}","emailKey":"{{Auth.Functions.Users.EmailAddress.KeyOf(email)}}","requestId":"{{RegistrationRequestId(app)}}"}""";
        await app.Services.GetRequiredService<AccountEmailWorker>().HandleAsync(message, CancellationToken.None);
        Assert.Equal("already-sent", Outcomes(app)[^1]);
        Assert.Single(app.Mail.VerificationEmails, m => m.To == email);
    }

    [Theory]
    [InlineData("""{"kind":"verify-email","emailKey":"nope","requestId":"0123456789abcdef0123456789abcdef"}""")]
    [InlineData("""{"kind":"verify-email","emailKey":"0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"kind":"no-such-kind"}""")]
    public async Task AMalformedVerificationMessageFailsItsDeliverySoItEndsInThePoisonQueue(string message)
    {
        await using var app = await AuthApp.StartAsync();
        await Assert.ThrowsAsync<FormatException>(() => app.Services.GetRequiredService<AccountEmailWorker>().HandleAsync(message, CancellationToken.None));
    }

    [Fact]
    public async Task ACompletedResetVerifiesTheAddressInItsTransaction()
    {
        await using var app = await AuthApp.StartAsync(settings: ServiceDefaults);
        var email = NewEmail();
        var userId = (string)(await app.Api().RegisterAsync(email, Password))["id"]!;
        var verification = await VerificationTokenAsync(app, email);

        var reset = await RecoveryTests.ForgotAndReadTokenAsync(app, email);
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token = reset, newPassword = "the brand new passphrase" })).ShouldBe(HttpStatusCode.NoContent);

        Assert.True((await app.UserAsync(userId)).EmailVerified);
        var session = await app.Api().LoginAsync(email, "the brand new passphrase");
        // The earlier link is only spent now: the address is verified once.
        await (await VerifyAsync(app, verification)).ShouldBe(HttpStatusCode.NoContent);
        var types = await EventTypesAsync(app, session);
        Assert.Single(types, t => t == "email_verified");
        Assert.Contains("password_reset", types);
    }

    [Fact]
    public async Task AccountsCreatedBeforeVerificationExistedCountAsVerified()
    {
        await using var app = await AuthApp.StartAsync(settings: ServiceDefaults);
        var email = NewEmail();
        var userId = (string)(await app.Api().RegisterAsync(email, Password))["id"]!;

        // The row as the first version wrote it: no EmailVerified column at all.
        var row = (await app.Tables.Users.GetEntityAsync<TableEntity>(userId, UserEntity.Row)).Value;
        row.Remove(nameof(UserEntity.EmailVerified));
        await app.Tables.Users.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        var login = await (await app.Api().PostAsync("/api/auth/login", new { email, password = Password })).Json();
        Assert.True((bool)login["user"]!["emailVerified"]!);
    }

    [Fact]
    public async Task OfTwoConcurrentUsesOfOneLinkExactlyOneVerifies()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, session, _) = await app.Api().NewUserAsync();
        var token = await VerificationTokenAsync(app, email);
        await app.QuietAsync();

        // The first use is held at its transaction, after its reads, until the second has read the same rows.
        var held = app.Storage.PauseAt(r => r.IsBatch && r.Body.Contains("\"State\":\"used\"", StringComparison.Ordinal));
        var first = VerifyAsync(app, token);
        await held.WaitReachedAsync();
        var reads = app.Storage.Record();
        var second = VerifyAsync(app, token);
        Assert.True(await Eventually.TrueAsync(() => reads.Count(r => r.IsPointOperation && r.Method == "GET") >= 2), "the second use did not read");
        held.Release();

        var statuses = new[] { (await first).StatusCode, (await second).StatusCode }.Order().ToArray();
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NotFound], statuses);
        Assert.Single(await EventTypesAsync(app, session), t => t == "email_verified");
    }

    [Fact]
    public async Task UsedAndExpiredLinksArePurgedOnceDueAndALiveOneIsKept()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (used, _, _, _) = await app.Api().NewUserAsync();
        var (expired, _, _, _) = await app.Api().NewUserAsync();
        await (await VerifyAsync(app, await VerificationTokenAsync(app, used))).ShouldBe(HttpStatusCode.NoContent);
        await VerificationTokenAsync(app, expired);
        var purge = app.Services.GetRequiredService<PurgeService>();

        clock.Advance(TimeSpan.FromHours(2));
        var (live, _, _, _) = await app.Api().NewUserAsync();
        var liveToken = await VerificationTokenAsync(app, live);
        Assert.Equal(0, (await purge.RunAsync(CancellationToken.None)).VerificationTokens);

        // Past the first two links' expiry hour, before the third's.
        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(2, (await purge.RunAsync(CancellationToken.None)).VerificationTokens);
        await (await VerifyAsync(app, liveToken)).ShouldBe(HttpStatusCode.NoContent);
    }

    private static string RegistrationRequestId(AuthApp app) =>
        app.Logs.Lines.First(l => l.EventId == 1090).State.Split(';').Single(p => p.StartsWith("RequestId=", StringComparison.Ordinal))["RequestId=".Length..];

    private static List<string> Outcomes(AuthApp app) =>
        app.Logs.Lines.Where(l => l.EventId == 1090).Select(l => l.State.Split(';').Single(p => p.StartsWith("Outcome=", StringComparison.Ordinal))["Outcome=".Length..]).ToList();

    /// <summary>Waits until the worker has decided on <paramref name="count"/> verification requests (its outcome log is its last step).</summary>
    private static async Task WaitForOutcomesAsync(AuthApp app, int count) =>
        Assert.True(await Eventually.TrueAsync(() => Outcomes(app).Count >= count),
            $"the worker decided on fewer than {count} requests: {string.Join(", ", Outcomes(app))}");
}
