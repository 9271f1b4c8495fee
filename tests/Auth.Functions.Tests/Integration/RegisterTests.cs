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
        Assert.EndsWith("+00:00", (string)user["created"]!, StringComparison.Ordinal);
        Assert.Equal(4, user.AsObject().Count);
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

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = Array.IndexOf(responses, responses.Single(r => r.StatusCode == HttpStatusCode.Created));
        await api.LoginAsync("race@example.com", $"parallel passphrase {winner}");
    }

    [Fact]
    public async Task RegistrationIsThrottledPerClientAddress()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["RateLimits:RegisterPerMinute"] = "3" });
        var api = app.Api();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await api.PostAsync("/api/auth/register", new { email = "taken@example.com", password = "correct horse battery" })).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.TooManyRequests], statuses);
        var throttled = await api.PostAsync("/api/auth/register", new { email = "other@example.com", password = "correct horse battery" });
        await throttled.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}
