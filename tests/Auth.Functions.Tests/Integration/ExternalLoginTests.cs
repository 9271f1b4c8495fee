using System.Net;
using Auth.Functions.Tests.Infrastructure;
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
}
