using System.Diagnostics;
using System.Net;
using Auth.Functions.Storage;
using Auth.Functions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Auth.Functions.Tests.Integration;

/// <summary>Storage that refuses (stopped) and storage that hangs (paused), each under a real Azurite.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task ARegistrationCutBetweenItsTwoWritesLeavesOnlyAHarmlessIndexRowAndTheSameProcessRecovers()
    {
        var clock = AuthApp.NewClock();
        await using var azurite = await Azurite.StartAsync(persistent: true);
        await using var app = await AuthApp.StartAsync(clock, connectionString: azurite.ConnectionString);
        var api = app.Api();
        var before = await api.NewUserAsync("before@example.com");

        // Held after the email index row is written and before the user row is: then storage stops.
        var cut = app.Storage.PauseAt(r => r.Method == "POST" && r.IsTo("users") && r.Body.Contains("\"RowKey\":\"user\"", StringComparison.Ordinal));
        var register = api.PostAsync("/api/auth/register", new { email = "cut@example.com", password = "correct horse battery" });
        await cut.WaitReachedAsync();
        await azurite.StopAsync();
        cut.Release();

        var refused = await register;
        await refused.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.NotNull(refused.Headers.RetryAfter);
        var health = await api.GetAsync("/api/health");
        await health.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.NotNull(health.Headers.RetryAfter);
        // Fail closed: a key that cannot be checked is not accepted.
        await (await app.Api(before.Key).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "storage_unavailable");

        await azurite.RestartAsync();
        Assert.True(await Eventually.TrueAsync(async () => (await api.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK),
            "the process did not recover after storage returned");
        await (await app.Api(before.Key).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);

        // The cut really happened between the writes: an index row, and no user behind it.
        var (users, indexed, tokenOwners) = await DumpAsync(app.Tables);
        var cutKey = Auth.Functions.Users.EmailAddress.KeyOf("cut@example.com");
        Assert.True(indexed.ContainsKey(cutKey));
        Assert.False(users.ContainsKey(indexed[cutKey]));
        // Nothing half-created grants anything: every user has its index row, every key its user.
        Assert.All(users, u => Assert.Equal(u.Key, indexed[Auth.Functions.Users.EmailAddress.KeyOf(u.Value)]));
        Assert.All(tokenOwners, owner => Assert.True(users.ContainsKey(owner), $"token without user {owner}"));
        await (await api.PostAsync("/api/auth/login", new { email = "cut@example.com", password = "correct horse battery" }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");

        // The orphan is reclaimed once it is clearly not a registration in flight.
        clock.Advance(Auth.Functions.Users.UserStore.OrphanAge);
        await api.NewUserAsync("cut@example.com");
    }

    [Fact]
    public async Task StorageThatHangsIsAnswered503WithinTheBudgetWithoutStoppingTheProcessAndServesAgainWithin10Seconds()
    {
        var budget = TimeSpan.FromSeconds(2);
        await using var azurite = await Azurite.StartAsync(persistent: false);
        await using var app = await AuthApp.StartAsync(connectionString: azurite.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Storage:RequestBudget"] = budget.ToString(),
            // Longer than the budget: the budget, not the per-try timeout, must end the wait.
            ["Storage:NetworkTimeout"] = "00:00:03",
        });
        var api = app.Api();
        var (email, password, key, _) = await api.NewUserAsync();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();

        await azurite.PauseAsync();
        HttpRequestMessage[] Requests() =>
        [
            new(HttpMethod.Get, "/api/health"),
            Authorized(new(HttpMethod.Get, "/api/auth/me"), key),
            Authorized(new(HttpMethod.Get, "/api/tokens"), key),
            Json(new(HttpMethod.Post, "/api/auth/login"), new { email, password }),
            Json(new(HttpMethod.Post, "/api/auth/register"), new { email = $"new-{Guid.NewGuid():N}@example.com", password = "correct horse battery" }),
            Json(new(HttpMethod.Post, "/api/auth/password/forgot"), new { email }),
            Json(new(HttpMethod.Post, "/api/tokens"), new { label = "during" }, key),
            Authorized(new(HttpMethod.Delete, "/api/tokens?keep=current"), key),
        ];
        var answers = await Task.WhenAll(Requests().Concat(Requests()).Select(async request =>
        {
            var watch = Stopwatch.StartNew();
            var response = await api.SendAsync(request);
            return (Request: $"{request.Method} {request.RequestUri}", Response: response, Elapsed: watch.Elapsed);
        }));

        Assert.Equal(16, answers.Length);
        foreach (var (request, response, elapsed) in answers)
        {
            await response.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, request);
            // The budget, plus one back-off delay between tries at most.
            Assert.True(elapsed < budget + TimeSpan.FromSeconds(1.5), $"{request} took {elapsed}");
        }

        // A background loop (the queue listener) has hit the stall too, and the process lives on.
        Assert.True(await Eventually.TrueAsync(() => app.Logs.Lines.Any(l => l.EventId == 203)), "the queue listener never saw the stall");
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        await (await api.GetAsync("/api/openapi.json")).ShouldBe(HttpStatusCode.OK);

        await azurite.ResumeAsync();
        var back = Stopwatch.StartNew();
        Assert.True(await Eventually.TrueAsync(async () => (await api.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10)),
            "health did not answer 200 within 10 s of storage returning");
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(10));
        await (await app.Api(key).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        await api.LoginAsync(email, password);
        // The background work runs again too: a reset email goes out.
        await (await api.PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        await app.Mail.WaitForAsync(email);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task TimeSpentWaitingForABusyHasherIsNotChargedToTheStorageBudget()
    {
        var budget = TimeSpan.FromMilliseconds(500);
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Storage:RequestBudget"] = budget.ToString(),
            ["PasswordHashing:MaxConcurrency"] = "1",
        });
        var (email, password, _, _) = await app.Api().NewUserAsync();

        // The only hashing slot is held by a login; a registration queues behind it for longer than
        // its whole storage budget, then does its storage work.
        var held = app.Hasher.PauseAfterNextVerification();
        var login = app.Api().PostAsync("/api/auth/login", new { email, password });
        await held.WaitReachedAsync();
        var register = app.Api().PostAsync("/api/auth/register", new { email = "patient@example.com", password = "correct horse battery" });
        await Task.Delay(budget * 3);
        held.Release();

        await (await register).ShouldBe(HttpStatusCode.Created);
        await (await login).ShouldBe(HttpStatusCode.OK);
    }

    private static HttpRequestMessage Authorized(HttpRequestMessage request, string key)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static HttpRequestMessage Json(HttpRequestMessage request, object body, string? key = null)
    {
        request.Content = System.Net.Http.Json.JsonContent.Create(body);
        return key is null ? request : Authorized(request, key);
    }

    private static async Task<(Dictionary<string, string> Users, Dictionary<string, string> Indexed, List<string> TokenOwners)> DumpAsync(AuthTables tables)
    {
        var users = new Dictionary<string, string>();
        var tokenOwners = new List<string>();
        await foreach (var row in tables.Users.QueryAsync<TableEntity>())
        {
            if (row.RowKey == UserEntity.Row)
            {
                users[row.PartitionKey] = row.GetString("NormalizedEmail");
            }
            else
            {
                tokenOwners.Add(row.PartitionKey);
            }
        }

        var indexed = new Dictionary<string, string>();
        await foreach (var row in tables.Emails.QueryAsync<TableEntity>())
        {
            indexed[row.PartitionKey] = row.GetString("UserId");
        }

        return (users, indexed, tokenOwners);
    }
}
