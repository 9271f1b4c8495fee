using System.Net;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

public sealed class ChangePasswordTests
{
    private const string NewPassword = "an entirely new passphrase";

    [Fact]
    public async Task ChangingThePasswordSwapsWhichPasswordLogsInAndKeepsOtherKeys()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var (_, apiKey) = await app.Api(session).CreateApiKeyAsync();

        var response = await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = NewPassword });

        await response.ShouldBe(HttpStatusCode.NoContent);
        await app.Api().LoginAsync(email, NewPassword);
        await (await app.Api().PostAsync("/api/auth/login", new { email, password })).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        await (await app.Api(apiKey).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ResetTokensRevokesEveryOtherKeyButTheCallersAndNoOtherUsers()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var otherSession = await app.Api().LoginAsync(email, password);
        var (_, apiKey) = await app.Api(session).CreateApiKeyAsync();
        var bob = await app.Api().NewUserAsync();

        var response = await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = NewPassword, resetTokens = true });

        await response.ShouldBe(HttpStatusCode.NoContent);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        await (await app.Api(otherSession).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.Unauthorized);
        await (await app.Api(apiKey).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.Unauthorized);
        await (await app.Api(bob.Key).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AWrongOldPasswordIsAValidationErrorOnOldPassword()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();

        var response = await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = "not my password", newPassword = NewPassword });

        var body = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("Incorrect password.", (string?)body["errors"]!["oldPassword"]![0]);
        await app.Api().LoginAsync(email, password);
    }

    [Theory]
    [InlineData("password1")]
    [InlineData("short")]
    public async Task AWeakNewPasswordIsRefusedWithAReason(string weak)
    {
        await using var app = await AuthApp.StartAsync();
        var (_, password, session, _) = await app.Api().NewUserAsync();

        var response = await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = weak });

        var body = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(body["errors"]!["newPassword"]);
    }

    [Fact]
    public async Task ChangePasswordNeedsAKey()
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().PostAsync("/api/auth/password/change", new { oldPassword = "x", newPassword = NewPassword });

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task TwoConcurrentChangesFromTheSameOldPasswordNeverBothWin()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();

        var responses = await Task.WhenAll(
            app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = "first new passphrase" }),
            app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = "second new passphrase" }));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.NoContent));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest));
        var winner = responses[0].StatusCode == HttpStatusCode.NoContent ? "first new passphrase" : "second new passphrase";
        var loser = winner.StartsWith("first", StringComparison.Ordinal) ? "second new passphrase" : "first new passphrase";
        await app.Api().LoginAsync(email, winner);
        await (await app.Api().PostAsync("/api/auth/login", new { email, password = loser })).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WrongOldPasswordsCountAsFailedLogins()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();

        for (var i = 0; i < 5; i++)
        {
            await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = $"guess {i} wrong", newPassword = NewPassword });
        }

        var sixth = await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = NewPassword });
        await sixth.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal(5, await LoginTests.Failures(app, email));
    }
}
