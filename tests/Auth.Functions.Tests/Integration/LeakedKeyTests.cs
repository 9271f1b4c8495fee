using System.Net;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>POST /api/tokens/revoke: anyone holding a key can revoke it, and learns nothing else.</summary>
public sealed class LeakedKeyTests
{
    [Fact]
    public async Task LiveDeadAndJunkKeysGetTheSameAnswerAndTheLiveOneDies()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var (liveId, live) = await app.Api(session).CreateApiKeyAsync("leaked in a repo");
        var (_, dead) = await app.Api(session).CreateApiKeyAsync("already gone");
        await (await app.Api(dead).PostAsync("/api/auth/logout", null)).ShouldBe(HttpStatusCode.NoContent);
        var junk = live[..^4] + (live[^4] == 'A' ? "B" : "A") + live[^3..];

        var answers = new List<string>();
        foreach (var key in new[] { live, dead, junk })
        {
            var response = await app.Api().PostAsync("/api/tokens/revoke", new { keys = new[] { key } });
            await response.ShouldBe(HttpStatusCode.Accepted);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Equal("""{"received":1}""", answers.Distinct().Single());
        await (await app.Api(live).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        // The owner's log says which key was reported.
        var events = (await (await app.Api(session).GetAsync("/api/auth/events")).Json())["items"]!.AsArray();
        var reported = Assert.Single(events, e => (string?)e!["type"] == "key_reported_leaked")!;
        Assert.Equal(liveId, (string?)reported["tokenId"]);
    }

    [Fact]
    public async Task KeysWithABadChecksumCostNoStorageRead()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var broken = Enumerable.Range(0, 100).Select(i => session[..^4] + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Where(k => k != session).Take(99).ToArray();
        await app.QuietAsync();
        var before = app.Storage.TableRequests;

        await (await app.Api().PostAsync("/api/tokens/revoke", new { keys = broken.Append("not a key at all") })).ShouldBe(HttpStatusCode.Accepted);

        Assert.Equal(before, app.Storage.TableRequests);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"keys":[]}""", "validation_failed")]
    [InlineData("""{}""", "validation_failed")]
    [InlineData("""{"keys":"afs_api_x"}""", "malformed_json")]
    [InlineData("""{"keys":[1,2]}""", "malformed_json")]
    public async Task ABadListIsRefused(string body, string code)
    {
        await using var app = await AuthApp.StartAsync();

        await (await app.Api().PostRawAsync("/api/tokens/revoke", body)).ShouldBeProblem(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task MoreThanAHundredKeysAreRefused()
    {
        await using var app = await AuthApp.StartAsync();

        var keys = Enumerable.Range(0, 101).Select(i => $"afs_api_{i}").ToArray();
        await (await app.Api().PostAsync("/api/tokens/revoke", new { keys })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ReportsAreLimitedPerAddress()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["RateLimits:ReportLeakedKeysPerMinute"] = "3" });

        for (var i = 0; i < 3; i++)
        {
            await (await app.Api().PostAsync("/api/tokens/revoke", new { keys = new[] { "afs_api_x" } })).ShouldBe(HttpStatusCode.Accepted);
        }

        var refused = await app.Api().PostAsync("/api/tokens/revoke", new { keys = new[] { "afs_api_x" } });
        await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.True(refused.Headers.RetryAfter is not null);
    }
}
