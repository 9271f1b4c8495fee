using System.Net;
using Auth.Functions.Storage;
using Auth.Functions.Tests.Infrastructure;
using Azure.Data.Tables;

namespace Auth.Functions.Tests.Integration;

public sealed class StorageOutageTests
{
    [Fact]
    public async Task StorageStoppedMidLoadGives503AndTheSameProcessRecoversWithNothingHalfCreated()
    {
        await using var azurite = await Azurite.StartAsync(persistent: true);
        await using var app = await AuthApp.StartAsync(
            connectionString: azurite.ConnectionString,
            settings: new Dictionary<string, string?> { ["PasswordHashing:MemoryKiB"] = "1024", ["PasswordHashing:Iterations"] = "1" });
        var api = app.Api();
        var before = await api.NewUserAsync("before@example.com");

        // Load: registrations and logins in a loop while storage goes away underneath.
        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var problems = new System.Collections.Concurrent.ConcurrentBag<string>();
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var email = $"load-{worker}-{i}@example.com";
                var register = await api.PostAsync("/api/auth/register", new { email, password = "correct horse battery" });
                statuses.Add(register.StatusCode);
                if (register.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    problems.Add(await register.Content.ReadAsStringAsync());
                    Assert.NotNull(register.Headers.RetryAfter);
                }

                statuses.Add((await api.PostAsync("/api/auth/login", new { email, password = "correct horse battery" })).StatusCode);
            }
        })).ToList();

        await Task.Delay(500);
        await azurite.StopAsync();
        await Task.Delay(1500);
        var health = await api.GetAsync("/api/health");
        var me = await app.Api(before.Key).GetAsync("/api/auth/me");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        await health.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.NotNull(health.Headers.RetryAfter);
        // Fail closed: a key that cannot be checked is not accepted.
        await me.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);
        Assert.All(problems, p => Assert.Contains("storage_unavailable", p, StringComparison.Ordinal));

        await azurite.RestartAsync();
        var recovered = await Eventually.TrueAsync(async () => (await api.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK);
        Assert.True(recovered, "the process did not recover after storage returned");
        await (await app.Api(before.Key).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        await api.NewUserAsync("after@example.com");

        await AssertNothingHalfCreatedAsync(app.Tables);
    }

    private static async Task AssertNothingHalfCreatedAsync(AuthTables tables)
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

        Assert.NotEmpty(users);
        // No user without its email index (orphan index rows pointing at nothing are allowed: they grant nothing).
        Assert.All(users, u => Assert.Equal(u.Key, indexed[Auth.Functions.Accounts.EmailAddress.KeyOf(u.Value)]));
        // No live token without its user.
        Assert.All(tokenOwners, owner => Assert.True(users.ContainsKey(owner), $"token without user {owner}"));
    }
}
