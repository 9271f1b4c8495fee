using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>Forgot and reset password, end to end through the API (a capturing sender stands in for mail).</summary>
public sealed class RecoveryTests
{
    internal const string NewPassword = "a freshly reset passphrase";

    internal static async Task<string> ForgotAndReadTokenAsync(AuthApp app, string email, int count = 1)
    {
        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        return CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(email, count));
    }

    [Fact]
    public async Task ForgotAnswersTheSameForKnownAndUnknownEmailsAndOnlyTheKnownOneGetsMail()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();

        var known = await app.Api().PostAsync("/api/auth/password/forgot", new { email });
        var unknown = await app.Api().PostAsync("/api/auth/password/forgot", new { email = "nobody-here@example.com" });

        await known.ShouldBe(HttpStatusCode.Accepted);
        await unknown.ShouldBe(HttpStatusCode.Accepted);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        var mail = await app.Mail.WaitForAsync(email);
        Assert.Equal("Reset your password", mail.Subject);
        // The unknown address's message was taken and dropped by the worker, not left waiting.
        Assert.True(await Eventually.TrueAsync(() => app.Logs.Lines.Any(l => l.EventId == 1040 && l.Message.Contains("unknown-account", StringComparison.Ordinal))));
        Assert.DoesNotContain(app.Mail.ResetEmails, m => m.To == "nobody-here@example.com");
    }

    [Theory]
    [InlineData("""{"email":"not-an-email"}""")]
    [InlineData("""{}""")]
    public async Task ForgotRefusesOnlyAMalformedEmail(string body)
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().PostRawAsync("/api/auth/password/forgot", body);

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["email"]);
    }

    [Fact]
    public async Task TheDisplayNameChosenAtRegistrationNeverAppearsInTheResetEmail()
    {
        // Whoever registers an address picks its display name: in our email it would be their words.
        await using var app = await AuthApp.StartAsync();
        const string bait = "Call +1 555 0100 to verify at evil.example";
        await app.Api().RegisterAsync("named@example.com", "correct horse battery", displayName: bait);

        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email = "named@example.com" })).ShouldBe(HttpStatusCode.Accepted);
        var mail = await app.Mail.WaitForAsync("named@example.com");

        Assert.DoesNotContain("evil.example", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("555", mail.Subject + mail.PlainText + mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheQueueListenerOutlivesErrorsThatAreNotOutagesAndDeliversOnceTheyStop()
    {
        // As right after a deploy, while role assignments propagate: storage answers 403 for a while.
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var forbidden = app.Storage.FailAt(r => !r.IsTable && r.Method == "GET", () => new Azure.RequestFailedException(403, "Injected by the test: not authorized yet.", "AuthorizationPermissionMismatch", null));
        Assert.True(await Eventually.TrueAsync(() => app.Logs.Lines.Count(l => l.EventId == 203) >= 3), "the listener did not keep polling through the 403s");

        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        forbidden.Stop();

        await app.Mail.WaitForAsync(email);
        Assert.False(app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task TheEmailLinksToThePublicBaseUrlWhateverTheHostHeaderSays()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/password/forgot") { Content = System.Net.Http.Json.JsonContent.Create(new { email }) };
        request.Headers.Host = "evil.example";
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "http");

        await (await app.Api().SendAsync(request)).ShouldBe(HttpStatusCode.Accepted);

        var mail = await app.Mail.WaitForAsync(email);
        Assert.StartsWith($"{AuthApp.PublicBaseUrl}/reset-password#token=afs_reset_", CapturingEmailSender.LinkIn(mail), StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", mail.PlainText + mail.Html, StringComparison.Ordinal);
        Assert.Contains(CapturingEmailSender.LinkIn(mail), mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResetSetsThePasswordRevokesEveryKeyClearsFailuresAndDoesNotLogIn()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var (_, apiKey) = await app.Api(session).CreateApiKeyAsync();
        await app.Api().PostAsync("/api/auth/login", new { email, password = "wrong guess one" });
        Assert.Equal(1, await LoginTests.Failures(app, email));
        var token = await ForgotAndReadTokenAsync(app, email);

        var reset = await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = NewPassword });

        await reset.ShouldBe(HttpStatusCode.NoContent);
        Assert.Empty(await reset.Content.ReadAsStringAsync());
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.Unauthorized);
        await (await app.Api(apiKey).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await LoginTests.Failures(app, email));
        await (await app.Api().PostAsync("/api/auth/login", new { email, password })).ShouldBe(HttpStatusCode.Unauthorized);
        await app.Api().LoginAsync(email, NewPassword);
    }

    [Fact]
    public async Task AUsedTokenIs404AndThePasswordStaysAsTheFirstResetSetIt()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var token = await ForgotAndReadTokenAsync(app, email);
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = NewPassword })).ShouldBe(HttpStatusCode.NoContent);

        var again = await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "yet another passphrase" });

        await again.ShouldBeProblem(HttpStatusCode.NotFound, "reset_token_not_found");
        await app.Api().LoginAsync(email, NewPassword);
    }

    [Fact]
    public async Task AnExpiredTokenIs410AndChangesNothing()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, password, _, _) = await app.Api().NewUserAsync();
        var token = await ForgotAndReadTokenAsync(app, email);

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var response = await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = NewPassword });

        await response.ShouldBeProblem(HttpStatusCode.Gone, "reset_token_expired");
        await app.Api().LoginAsync(email, password);
    }

    [Theory]
    [InlineData("afs_reset_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("never-issued")]
    [InlineData("' or ''='")]
    public async Task ANeverIssuedTokenIs404(string token)
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = NewPassword });

        await response.ShouldBeProblem(HttpStatusCode.NotFound, "reset_token_not_found");
    }

    [Fact]
    public async Task AForgedTokenForARealRequestIs404()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, _, userId) = await app.Api().NewUserAsync();
        var real = await ForgotAndReadTokenAsync(app, email);
        Assert.True(Auth.Functions.Tokens.Keys.TryParse(real, out var parsed));
        // Right user and request ids, wrong secret (a valid checksum, so it reaches storage).
        var forged = Auth.Functions.Tokens.Keys.Create(Auth.Functions.Tokens.KeyKind.Reset, userId, parsed.TokenId);

        var response = await app.Api().PostAsync("/api/auth/password/reset", new { token = forged, newPassword = NewPassword });

        await response.ShouldBeProblem(HttpStatusCode.NotFound, "reset_token_not_found");
        await app.Api().LoginAsync(email, password);
    }

    [Fact]
    public async Task ASessionKeyIsNotAResetTokenAndAResetTokenIsNotAKey()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, session, _) = await app.Api().NewUserAsync();
        var token = await ForgotAndReadTokenAsync(app, email);

        await (await app.Api().PostAsync("/api/auth/password/reset", new { token = session, newPassword = NewPassword }))
            .ShouldBeProblem(HttpStatusCode.NotFound, "reset_token_not_found");
        await (await app.Api(token).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        // Neither attempt spent the reset token.
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = NewPassword })).ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task TwentyParallelResetsWithOneTokenGiveExactlyOne204()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var token = await ForgotAndReadTokenAsync(app, email);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = $"{NewPassword} {i}" })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.NoContent));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.NotFound));
        var winner = Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        await app.Api().LoginAsync(email, $"{NewPassword} {winner}");
    }

    [Theory]
    [InlineData("password1")]
    [InlineData("short")]
    public async Task AWeakNewPasswordIsRefusedAndTheTokenStaysUsable(string weak)
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var token = await ForgotAndReadTokenAsync(app, email);

        var refused = await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = weak });

        var body = await refused.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(body["errors"]!["newPassword"]);
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = NewPassword })).ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task NoLogLineOfAFullFlowHoldsAPasswordKeyTokenOrHash()
    {
        await using var app = await AuthApp.StartAsync();
        const string password = "the original passphrase";
        var email = "logs@example.com";
        await app.Api().RegisterAsync(email, password);
        await app.Api().PostAsync("/api/auth/login", new { email, password = "a wrong passphrase" });
        var session = await app.Api().LoginAsync(email, password);
        var (_, apiKey) = await app.Api(session).CreateApiKeyAsync();
        await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = "the changed passphrase" });
        var token = await ForgotAndReadTokenAsync(app, email);
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = NewPassword })).ShouldBe(HttpStatusCode.NoContent);
        var hash = await LoginTests.StoredHash(app, (string)(await (await app.Api(await app.Api().LoginAsync(email, NewPassword)).GetAsync("/api/auth/me")).Json())["user"]!["id"]!);

        var logs = app.Logs.AllText;

        Assert.Contains("Login succeeded", logs, StringComparison.Ordinal);
        foreach (var secret in new[] { password, "a wrong passphrase", "the changed passphrase", NewPassword, session, apiKey, token, hash, hash.Split('$')[^1] })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(new Regex("afs_(sess|api|reset)_[A-Za-z0-9_-]{20}"), logs);
        Assert.DoesNotContain(email, logs, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheResetPageIsAccessibleSendsNoReferrerAndAllowsOnlyItsOwnScript()
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().GetAsync("/reset-password#token=afs_reset_x");

        await response.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-referrer", string.Join("", response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("max-age=31536000", string.Join("", response.Headers.GetValues("Strict-Transport-Security")));
        var csp = string.Join("", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<label for=\"new-password\">", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"confirm-password\">", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(html, "autocomplete=\"new-password\""));
        Assert.Contains("role=\"status\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("afs_reset_x", html, StringComparison.Ordinal);
        var nonce = Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        Assert.Contains($"<script nonce=\"{nonce}\">", html, StringComparison.Ordinal);
    }
}
