using System.Net;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

public sealed class TokenTests
{
    [Fact]
    public async Task MeValidatesAKeyAndDescribesItWithoutTheKey()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, key, userId) = await app.Api().NewUserAsync();

        var response = await app.Api(key).GetAsync("/api/auth/me");

        await response.ShouldBe(HttpStatusCode.OK);
        var body = await response.Json();
        Assert.Equal(userId, (string?)body["user"]!["id"]);
        Assert.Equal(email, (string?)body["user"]!["email"]);
        var token = body["token"]!;
        Assert.True((bool)token["current"]!);
        Assert.Equal("session", (string?)token["type"]);
        Assert.Null(token["key"]);
        Assert.DoesNotContain(key, body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("max-age=31536000", string.Join("", response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task AnApiKeyIsCreatedListedAndWorksLikeASession()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var api = app.Api(session);

        var create = await api.PostAsync("/api/tokens", new { label = "build server" });
        await create.ShouldBe(HttpStatusCode.Created);
        var token = (await create.Json())["token"]!;
        Assert.Equal("api", (string?)token["type"]);
        Assert.Equal("build server", (string?)token["label"]);
        Assert.Null(token["expires"]);
        Assert.StartsWith("afs_api_", (string)token["key"]!, StringComparison.Ordinal);
        Assert.Equal($"/api/tokens/{token["id"]}", create.Headers.Location?.ToString());

        var viaApiKey = await app.Api((string)token["key"]!).GetAsync("/api/auth/me");
        await viaApiKey.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("api", (string?)(await viaApiKey.Json())["token"]!["type"]);

        var list = await (await api.GetAsync("/api/tokens")).Json();
        var items = list["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Single(items, i => (bool)i!["current"]! && (string?)i["type"] == "session");
        Assert.Single(items, i => !(bool)i!["current"]! && (string?)i["label"] == "build server" && i["lastUsed"] is not null);
        Assert.All(items, i => Assert.Null(i!["key"]));
        Assert.All(items, i => Assert.Equal(8, i!.AsObject().Count));
    }

    [Theory]
    [InlineData("""{"expires":null}""", "label")]
    [InlineData("""{"label":""}""", "label")]
    [InlineData("""{"label":"   "}""", "label")]
    [InlineData("""{"label":"old","expires":"2000-01-01T00:00:00Z"}""", "expires")]
    public async Task CreateTokenValidatesItsInput(string body, string field)
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();

        var response = await app.Api(session).PostRawAsync("/api/tokens", body);

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task AnExpiringApiKeyStopsWorkingWhenItExpires()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var (_, key) = await app.Api(session).CreateApiKeyAsync("short", clock.GetUtcNow().AddDays(7));

        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        await (await app.Api(key).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromSeconds(2));
        await (await app.Api(key).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ASessionIsValidAt24HoursLessOneSecondAndDeadOneSecondAfterAndUseNeverExtendsIt()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var api = app.Api(session);

        for (var hour = 1; hour < 24; hour++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            await (await api.GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        }

        clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        await (await api.GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromSeconds(2));
        var expired = await api.GetAsync("/api/auth/me");
        await expired.ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", expired.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task ExpiredSessionsAreNotListed()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (_, _, first, _) = await app.Api().NewUserAsync();
        var (_, apiKey) = await app.Api(first).CreateApiKeyAsync("permanent");

        clock.Advance(TimeSpan.FromHours(25));
        var list = await (await app.Api(apiKey).GetAsync("/api/tokens")).Json();

        var item = Assert.Single(list["items"]!.AsArray());
        Assert.Equal("permanent", (string?)item!["label"]);
    }
}
