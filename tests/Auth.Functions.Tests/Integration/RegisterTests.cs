using System.Net;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

public sealed class RegisterTests
{
    [Fact]
    public async Task RegisterCreatesAUserAndAnswers201WithIt()
    {
        await using var app = await AuthApp.StartAsync();
        var response = await app.Api().PostAsync("/api/auth/register", new { email = " Ann@Example.com ", password = "correct horse battery", displayName = "Ann" });

        await response.ShouldBe(HttpStatusCode.Created);
        var user = (await response.Json())["user"]!;
        Assert.Matches("^[0-9a-f]{32}$", (string)user["id"]!);
        Assert.Equal("Ann@Example.com", (string?)user["email"]);
        Assert.Equal("Ann", (string?)user["displayName"]);
        Assert.False((bool)user["emailVerified"]!);
        Assert.EndsWith("+00:00", (string)user["created"]!, StringComparison.Ordinal);
        Assert.False((bool)user["mfaEnabled"]!);
        Assert.True((bool)user["hasPassword"]!);
        Assert.Equal(7, user.AsObject().Count);
    }

    [Fact]
    public async Task DisplayNameIsOptionalAndNullWhenAbsent()
    {
        await using var app = await AuthApp.StartAsync();

        var user = await app.Api().RegisterAsync("nodisplay@example.com", "correct horse battery");

        Assert.Null(user["displayName"]);
    }

    [Fact]
    public async Task SevenCodePointsAreRefusedWithAReasonAndEightAreAccepted()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();

        var tooShort = await api.PostAsync("/api/auth/register", new { email = "seven@example.com", password = "qwzx12😀" });
        var body = await tooShort.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("Must be at least 8 characters.", (string?)body["errors"]!["password"]![0]);

        var eight = await api.PostAsync("/api/auth/register", new { email = "eight@example.com", password = "qwzx1y2😀" });
        await eight.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("password123")]
    [InlineData("iloveyou")]
    [InlineData("Qwertyuiop")]
    public async Task ATopListPasswordIsRefusedWithAReason(string password)
    {
        await using var app = await AuthApp.StartAsync();
        var hashesBefore = app.HashesAfterWarmUp();

        var response = await app.Api().PostAsync("/api/auth/register", new { email = "common@example.com", password });

        var body = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("common", (string)body["errors"]!["password"]![0]!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(hashesBefore, app.Hasher.Hashes);
    }

    [Theory]
    [InlineData("password123")]
    [InlineData("iloveyou")]
    public async Task ATopListPasswordIsRefusedWithTheSameReasonAtChangeAndAtResetAndChangesNothing(string password)
    {
        await using var app = await AuthApp.StartAsync();
        var (email, current, session, _) = await app.Api().NewUserAsync();
        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        var token = CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(email));
        var expected = Auth.Functions.Passwords.PasswordPolicy.Check(password, null);
        Assert.Contains("commonly used", expected, StringComparison.Ordinal);
        var hashesBefore = app.HashesAfterWarmUp();

        var change = await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = current, newPassword = password });
        var reset = await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = password });

        Assert.Equal(expected, (string?)(await change.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed"))["errors"]!["newPassword"]![0]);
        Assert.Equal(expected, (string?)(await reset.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed"))["errors"]!["newPassword"]![0]);
        Assert.Equal(hashesBefore, app.Hasher.Hashes);
        // Nothing changed, and the reset link still works.
        await app.Api().LoginAsync(email, current);
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "a sound new passphrase" })).ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task TheEmailItselfIsNotAcceptedAsPassword()
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().PostAsync("/api/auth/register", new { email = "grace.hopper@example.com", password = "Grace.Hopper" });

        var body = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(body["errors"]!["password"]);
    }

    [Fact]
    public async Task EmailVariantsOfCaseAndWhitespaceAreOneAccount()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        await api.RegisterAsync("Case.Test@Example.com", "correct horse battery");

        foreach (var variant in new[] { "case.test@example.com", "  CASE.TEST@EXAMPLE.COM", "Case.Test@Example.com\t" })
        {
            var again = await api.PostAsync("/api/auth/register", new { email = variant, password = "another fine passphrase" });
            await again.ShouldBeProblem(HttpStatusCode.Conflict, "email_taken");
            var login = await api.PostAsync("/api/auth/login", new { email = variant, password = "correct horse battery" });
            await login.ShouldBe(HttpStatusCode.OK);
            Assert.Equal("Case.Test@Example.com", (string?)(await login.Json())["user"]!["email"]);
        }
    }

    [Fact]
    public async Task TwentyParallelRegistrationsOfOneEmailGiveExactlyOne201()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            api.PostAsync("/api/auth/register", new { email = i % 2 == 0 ? "race@example.com" : "RACE@example.com ", password = $"parallel passphrase {i}" })));

        var statuses = string.Join(", ", responses.Select(r => (int)r.StatusCode));
        Assert.True(1 == responses.Count(r => r.StatusCode == HttpStatusCode.Created), statuses);
        Assert.True(19 == responses.Count(r => r.StatusCode == HttpStatusCode.Conflict), statuses);
        var winner = Array.IndexOf(responses, responses.Single(r => r.StatusCode == HttpStatusCode.Created));
        await api.LoginAsync("race@example.com", $"parallel passphrase {winner}");
    }

    private static Task<HttpResponseMessage> RegisterFrom(Api api, string? forwardedFor, string email) =>
        api.PostFromAsync(forwardedFor, "/api/auth/register", new { email, password = "correct horse battery" });

    [Fact]
    public async Task RegistrationIsThrottledPerClientAddressAndAnotherAddressIsUnaffected()
    {
        // Behind one trusted proxy (as under the Functions host): the client is the entry it appended, the last.
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["RateLimits:RegisterPerMinute"] = "3",
            ["RateLimits:TrustedProxies"] = "1",
        });
        var api = app.Api();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await RegisterFrom(api, "203.0.113.7", "taken@example.com")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.TooManyRequests], statuses);
        var throttled = await RegisterFrom(api, "203.0.113.7", "other@example.com");
        await throttled.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Another client is not held back by the first one's limit.
        await (await RegisterFrom(api, "198.51.100.20", "second@example.com")).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task TheLimitCountsTheAddressTheProxyAppendedNeverTheOneTheClientWrote()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["RateLimits:RegisterPerMinute"] = "2",
            ["RateLimits:TrustedProxies"] = "1",
        });
        var api = app.Api();

        // "X-Forwarded-For: 1.2.3.4, <real>": a new forged first entry each time changes nothing.
        await (await RegisterFrom(api, "1.2.3.4, 203.0.113.7", "a@example.com")).ShouldBe(HttpStatusCode.Created);
        await (await RegisterFrom(api, "5.6.7.8, 203.0.113.7:50123", "b@example.com")).ShouldBe(HttpStatusCode.Created);
        await (await RegisterFrom(api, "9.9.9.9, 203.0.113.7", "c@example.com")).ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");

        // IPv6 clients share their /64, port or not.
        await (await RegisterFrom(api, "2001:db8:1:2::1", "d@example.com")).ShouldBe(HttpStatusCode.Created);
        await (await RegisterFrom(api, "[2001:db8:1:2:ffff::9]:443", "e@example.com")).ShouldBe(HttpStatusCode.Created);
        await (await RegisterFrom(api, "2001:db8:1:2:abcd::5", "f@example.com")).ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");

        // Junk never makes a bucket of its own: all of it shares one.
        await (await RegisterFrom(api, "not an address", "g@example.com")).ShouldBe(HttpStatusCode.Created);
        await (await RegisterFrom(api, "<script>", "h@example.com")).ShouldBe(HttpStatusCode.Created);
        await (await RegisterFrom(api, "999.1.1.1", "i@example.com")).ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
    }

    [Fact]
    public async Task StandaloneTheForwardedHeaderIsTheClientsOwnWordAndIsIgnored()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["RateLimits:RegisterPerMinute"] = "2" });
        var api = app.Api();

        await (await RegisterFrom(api, "203.0.113.1", "a@example.com")).ShouldBe(HttpStatusCode.Created);
        await (await RegisterFrom(api, "203.0.113.2", "b@example.com")).ShouldBe(HttpStatusCode.Created);
        await (await RegisterFrom(api, "203.0.113.3", "c@example.com")).ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
    }
}
