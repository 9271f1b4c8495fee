using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Auth.Functions.Tests.Infrastructure;
using Azure.Data.Tables;

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
        var (email, password, first, _) = await app.Api().NewUserAsync();
        var (_, apiKey) = await app.Api(first).CreateApiKeyAsync("permanent");

        clock.Advance(TimeSpan.FromHours(25));
        var list = await (await app.Api(apiKey).GetAsync("/api/tokens")).Json();

        var item = Assert.Single(list["items"]!.AsArray());
        Assert.Equal("permanent", (string?)item!["label"]);
        _ = (email, password);
    }

    [Fact]
    public async Task LogoutKillsThePresentedKeyAtOnceAndTwiceIsHarmless()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var other = await app.Api().LoginAsync(email, password);

        await (await app.Api(session).PostAsync("/api/auth/logout", null)).ShouldBe(HttpStatusCode.NoContent);

        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(session).PostAsync("/api/auth/logout", null)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(other).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DeletingATokenRevokesItAndAnUnknownIdIs404()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var (id, key) = await app.Api(session).CreateApiKeyAsync();

        await (await app.Api(session).DeleteAsync($"/api/tokens/{id}")).ShouldBe(HttpStatusCode.NoContent);

        await (await app.Api(key).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(session).DeleteAsync($"/api/tokens/{id}")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await app.Api(session).DeleteAsync("/api/tokens/not-an-id")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task DeletingAnotherUsersTokenIs404AndItKeepsWorkingForItsOwner()
    {
        await using var app = await AuthApp.StartAsync();
        var alice = await app.Api().NewUserAsync();
        var mallory = await app.Api().NewUserAsync();
        var (aliceKeyId, aliceKey) = await app.Api(alice.Key).CreateApiKeyAsync();

        var response = await app.Api(mallory.Key).DeleteAsync($"/api/tokens/{aliceKeyId}");

        await response.ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await app.Api(aliceKey).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RevokeAllKillsEveryKeyOfTheUserAndNoOneElses()
    {
        await using var app = await AuthApp.StartAsync();
        var alice = await app.Api().NewUserAsync();
        var bob = await app.Api().NewUserAsync();
        var aliceKeys = new List<string> { alice.Key };
        for (var i = 0; i < 3; i++)
        {
            aliceKeys.Add((await app.Api(alice.Key).CreateApiKeyAsync($"k{i}")).Key);
        }

        await (await app.Api(alice.Key).DeleteAsync("/api/tokens")).ShouldBe(HttpStatusCode.NoContent);

        foreach (var key in aliceKeys)
        {
            await (await app.Api(key).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        }

        await (await app.Api(bob.Key).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RevokeAllWithKeepCurrentKeepsExactlyTheCaller()
    {
        await using var app = await AuthApp.StartAsync();
        var alice = await app.Api().NewUserAsync();
        var (_, k1) = await app.Api(alice.Key).CreateApiKeyAsync("one");
        var (_, k2) = await app.Api(alice.Key).CreateApiKeyAsync("two");

        await (await app.Api(k1).DeleteAsync("/api/tokens?keep=current")).ShouldBe(HttpStatusCode.NoContent);

        await (await app.Api(k1).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        await (await app.Api(k2).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.Unauthorized);
        await (await app.Api(alice.Key).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.Unauthorized);
        var list = await (await app.Api(k1).GetAsync("/api/tokens")).Json();
        Assert.Equal("one", (string?)Assert.Single(list["items"]!.AsArray())!["label"]);
    }

    [Fact]
    public async Task RevokeAllCrossesBatchBoundaries()
    {
        await using var app = await AuthApp.StartAsync();
        var alice = await app.Api().NewUserAsync();
        // 250 tokens: three entity-group transactions (100 + 100 + 50), written straight to storage for speed.
        var keys = new List<string>();
        var tokens = app.Services.GetRequiredServiceFor<Auth.Functions.Tokens.TokenStore>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 249), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var (_, key) = await tokens.CreateApiKeyAsync(alice.UserId, $"bulk {i}", null, ct);
            lock (keys)
            {
                keys.Add(key);
            }
        });

        await (await app.Api(alice.Key).DeleteAsync("/api/tokens")).ShouldBe(HttpStatusCode.NoContent);

        var remaining = app.Tables.Users.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {alice.UserId}"));
        var rows = new List<string>();
        await foreach (var row in remaining)
        {
            rows.Add(row.RowKey);
        }

        Assert.Equal(["user"], rows);
        await (await app.Api(keys[123]).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ARevokeRacingWithUseLeavesNoKeyAliveAfterItAnswers()
    {
        await using var app = await AuthApp.StartAsync();
        var alice = await app.Api().NewUserAsync();
        var keys = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            keys.Add((await app.Api(alice.Key).CreateApiKeyAsync($"race {i}")).Key);
        }

        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var hammer = keys.Select(key => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                statuses.Add((await app.Api(key).GetAsync("/api/auth/me")).StatusCode);
            }
        })).ToList();

        await Task.Delay(200);
        await (await app.Api(alice.Key).DeleteAsync("/api/tokens")).ShouldBe(HttpStatusCode.NoContent);
        var afterRevoke = await Task.WhenAll(keys.Select(k => app.Api(k).GetAsync("/api/auth/me")));
        await stop.CancelAsync();
        await Task.WhenAll(hammer);

        Assert.All(afterRevoke, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"{s}"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer afs_sess_' or ''='")]
    [InlineData("Token abc")]
    [InlineData("Digest username=x")]
    [InlineData("Basic !!!notbase64")]
    [InlineData("bearer-ish")]
    public async Task AnyMalformedAuthorizationGetsTheSame401(string? header)
    {
        await using var app = await AuthApp.StartAsync();
        var reference = await app.Api().GetAsync("/api/auth/me");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        var response = await app.Api().SendAsync(request);

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(await reference.Content.ReadAsStringAsync(), await response.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task ATenKilobyteAuthorizationHeaderGetsTheSame401()
    {
        await using var app = await AuthApp.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer afs_sess_" + new string('A', 10 * 1024));

        await (await app.Api().SendAsync(request)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task AValidKeyWithABrokenChecksumIsRefusedWithoutAStorageRead()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var broken = session[..^3] + (session[^3] == 'A' ? "B" : "A") + session[^2..];

        await (await app.Api(broken).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task BasicWithEmailAndKeyIsAcceptedWhereverBearerIs()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, session, _) = await app.Api().NewUserAsync();
        var other = await app.Api().NewUserAsync();

        Task<HttpResponseMessage> MeWithBasic(string user, string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{key}")));
            return app.Api().SendAsync(request);
        }

        await (await MeWithBasic(email.ToUpperInvariant(), session)).ShouldBe(HttpStatusCode.OK);
        // The user part must name the key's owner.
        await (await MeWithBasic(other.Email, session)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task NoTableHoldsARawKey()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var keys = new List<string> { session };
        for (var i = 0; i < 5; i++)
        {
            keys.Add((await app.Api(session).CreateApiKeyAsync($"k{i}")).Key);
        }

        var dump = new StringBuilder();
        foreach (var table in app.Tables.All)
        {
            await foreach (var entity in table.QueryAsync<TableEntity>())
            {
                foreach (var (name, value) in entity)
                {
                    dump.Append(name).Append('=').Append(value is byte[] b ? Convert.ToBase64String(b) + Convert.ToHexString(b) : value).Append('\n');
                }
            }
        }

        var text = dump.ToString();
        Assert.Contains("KeyHash", text, StringComparison.Ordinal);
        foreach (var key in keys)
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(key[^40..], text, StringComparison.Ordinal);
        }
    }
}
