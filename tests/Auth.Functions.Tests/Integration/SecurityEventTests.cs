using System.Net;
using System.Text.Json.Nodes;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Functions.Tests.Integration;

/// <summary>GET /api/auth/events: each account's own security log, written with the changes it records.</summary>
public sealed class SecurityEventTests
{
    private static async Task<List<JsonNode>> EventsAsync(Api api, string query = "")
    {
        var response = await api.GetAsync("/api/auth/events" + query);
        await response.ShouldBe(HttpStatusCode.OK);
        return [.. (await response.Json())["items"]!.AsArray().Select(i => i!)];
    }

    [Fact]
    public async Task EveryChangeIsLoggedNewestFirstWithTheClientItCameFrom()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();
        await (await app.Api().PostAsync("/api/auth/login", new { email, password = "not the password" })).ShouldBe(HttpStatusCode.Unauthorized);
        var (keyId, _) = await app.Api(session).CreateApiKeyAsync("ci server");
        await (await app.Api(session).DeleteAsync("/api/tokens/" + keyId)).ShouldBe(HttpStatusCode.NoContent);
        await (await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = "a brand new passphrase" })).ShouldBe(HttpStatusCode.NoContent);
        var agent = new string('a', 300);
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/tokens?keep=current");
        request.Headers.Authorization = new("Bearer", session);
        request.Headers.TryAddWithoutValidation("User-Agent", agent);
        await (await app.Api().SendAsync(request)).ShouldBe(HttpStatusCode.NoContent);

        var events = await EventsAsync(app.Api(session));

        Assert.Equal(
            ["keys_revoked_all", "password_changed", "key_revoked", "key_created", "login_failed", "login_succeeded"],
            events.Select(e => (string)e["type"]!));
        Assert.Equal(keyId, (string?)events[2]["tokenId"]);
        Assert.Equal("ci server", (string?)events[3]["label"]);
        Assert.Null(events[4]["tokenId"]);
        // The user agent is kept, cut to 256 characters; events are ordered by time.
        Assert.Equal(agent[..256], (string?)events[0]["userAgent"]);
        var times = events.Select(e => DateTimeOffset.Parse((string)e["at"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.OrderDescending(), times);
        Assert.Equal(events.Count, events.Select(e => (string)e["id"]!).Distinct().Count());
    }

    [Fact]
    public async Task PagesFollowOneAnotherWithoutGapsOrRepeats()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        for (var i = 0; i < 5; i++)
        {
            await app.Api(session).CreateApiKeyAsync($"k{i}");
        }

        var all = await EventsAsync(app.Api(session), "?limit=100");
        var first = await (await app.Api(session).GetAsync("/api/auth/events?limit=4")).Json();
        var next = (string)first["next"]!;
        var second = await (await app.Api(session).GetAsync("/api/auth/events?limit=4&before=" + next)).Json();

        Assert.Equal(6, all.Count);
        Assert.Equal(4, first["items"]!.AsArray().Count);
        Assert.Null(second["next"]);
        Assert.Equal(
            all.Select(e => (string)e["id"]!),
            first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(e => (string)e!["id"]!));
    }

    [Fact]
    public async Task AResetAndTheFailureThatEngagesThrottlingAreLogged()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, session, _) = await app.Api().NewUserAsync();
        for (var i = 0; i < 6; i++)
        {
            await app.Api().PostAsync("/api/auth/login", new { email, password = "wrong password " + i });
        }

        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        var token = CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(email));
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "the new passphrase" })).ShouldBe(HttpStatusCode.NoContent);
        var fresh = await app.Api().LoginAsync(email, "the new passphrase");

        var types = (await EventsAsync(app.Api(fresh))).Select(e => (string)e["type"]!).ToList();

        // Five failures were evaluated (the sixth was refused before its password was checked); the fifth engaged throttling.
        Assert.Equal(5, types.Count(t => t == "login_failed"));
        Assert.Single(types, t => t == "login_throttled");
        // The reset also verified the address (the account never used its verification link): one transaction, one instant.
        Assert.Equal("login_succeeded", types[0]);
        Assert.Equal(["email_verified", "password_reset"], types.Skip(1).Take(2).Order(StringComparer.Ordinal));
        await (await app.Api(session).GetAsync("/api/auth/events")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ALoginWritesItsSessionAndItsEventInOneTransaction()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, _, _) = await app.Api().NewUserAsync();
        await app.QuietAsync();

        var recorded = app.Storage.Record();
        await app.Api().LoginAsync(email, password);

        var batch = Assert.Single(recorded, r => r.IsBatch);
        Assert.Contains("\"Type\":\"session\"", batch.Body, StringComparison.Ordinal);
        Assert.Contains("\"Type\":\"login_succeeded\"", batch.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(recorded, r => !r.IsBatch && r.Method == "POST" && r.IsTo("users"));
    }

    [Fact]
    public async Task EachAccountSeesOnlyItsOwnEvents()
    {
        await using var app = await AuthApp.StartAsync();
        var alice = await app.Api().NewUserAsync();
        var bob = await app.Api().NewUserAsync();
        await app.Api(alice.Key).CreateApiKeyAsync("alice's");

        var bobs = await EventsAsync(app.Api(bob.Key));

        Assert.Equal(["login_succeeded"], bobs.Select(e => (string)e["type"]!));
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?before=not-a-cursor", "before")]
    public async Task BadPagingIsAValidationError(string query, string field)
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();

        var problem = await (await app.Api(session).GetAsync("/api/auth/events" + query)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");

        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task EventsArePurgedADayAtATimeOnceTheyArePastRetention()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, password, _, _) = await app.Api().NewUserAsync(); // day 0: login_succeeded
        clock.Advance(TimeSpan.FromDays(60));
        await app.Api().LoginAsync(email, password); // day 60
        var purge = app.Services.GetRequiredService<Auth.Functions.Purge.PurgeService>();

        clock.Advance(TimeSpan.FromDays(31)); // day 91: day 0 is past 90 days, day 60 is not
        var result = await purge.RunAsync(CancellationToken.None);

        Assert.Equal(1, result.Events);
        Assert.Equal(0, (await purge.RunAsync(CancellationToken.None)).Events);
        var key = await app.Api().LoginAsync(email, password); // day 91
        var left = (await EventsAsync(app.Api(key))).Select(e => DateTimeOffset.Parse((string)e["at"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([clock.GetUtcNow(), clock.GetUtcNow().AddDays(-31)], left);
    }
}
