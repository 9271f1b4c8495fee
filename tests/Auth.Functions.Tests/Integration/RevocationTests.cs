using System.Net;
using Auth.Functions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Functions.Tests.Integration;

/// <summary>Logout, delete and revoke-all take effect at once, for the caller only.</summary>
public sealed class RevocationTests
{
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
        await app.QuietAsync(); // The registration's verification link is written.
        // 250 tokens: three entity-group transactions (100 + 100 + 50), written straight to storage for speed.
        var keys = new List<string>();
        var tokens = app.Services.GetRequiredService<Auth.Functions.Tokens.TokenStore>();
        var user = await app.UserAsync(alice.UserId);
        await Parallel.ForEachAsync(Enumerable.Range(0, 249), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var (_, key) = await tokens.CreateApiKeyAsync(user, $"bulk {i}", null, ct);
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

        // Only the user row is left, the registration's verification link (no key: revocation leaves it),
        // and the security log: the login, 249 key_created events and the revoke-all.
        Assert.Equal(["user"], rows.Where(r => !r.StartsWith("evt-", StringComparison.Ordinal) && !r.StartsWith("vfy-", StringComparison.Ordinal)));
        Assert.Single(rows, r => r.StartsWith("vfy-", StringComparison.Ordinal));
        Assert.Equal(251, rows.Count(r => r.StartsWith("evt-", StringComparison.Ordinal)));
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

    [Fact]
    public async Task RevokeAllOnARowThatKeepsChangingIsToldToRetryNotAnError()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        await app.QuietAsync();

        // Every barrier write finds the user row changed, as if other writers kept landing first.
        var conflicts = app.Storage.FailAt(r => r.IsBatch && r.Body.Contains("users", StringComparison.Ordinal),
            () => new Azure.RequestFailedException(412, "Injected: the user row changed.", "UpdateConditionNotSatisfied", null));
        var response = await app.Api(session).DeleteAsync("/api/tokens");
        conflicts.Stop();

        await response.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(5, conflicts.Arrivals);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK); // nothing was revoked
        await (await app.Api(session).DeleteAsync("/api/tokens")).ShouldBe(HttpStatusCode.NoContent);
    }
}
