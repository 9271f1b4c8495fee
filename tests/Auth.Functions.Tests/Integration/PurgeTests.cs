using System.Net;
using Auth.Functions.Purge;
using Auth.Functions.Storage;
using Auth.Functions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Functions.Tests.Integration;

public sealed class PurgeTests
{
    private static Task<PurgeResult> PurgeAsync(AuthApp app) => app.Services.GetRequiredService<PurgeService>().RunAsync(CancellationToken.None);

    private static async Task<List<string>> RowsAsync(TableClient table, string? partition = null)
    {
        var rows = new List<string>();
        var filter = partition is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter))
        {
            // The security log shares the users' partitions; its own retention is tested on its own.
            if (!row.RowKey.StartsWith("evt-", StringComparison.Ordinal))
            {
                rows.Add(row.RowKey);
            }
        }

        return rows;
    }

    [Fact]
    public async Task NothingUnexpiredIsEverDeletedAndEverythingExpiredIs()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, _, session, userId) = await app.Api().NewUserAsync();
        await app.QuietAsync(); // The registration's verification link is written now, due in 24 hours.
        var (weekId, week) = await app.Api(session).CreateApiKeyAsync("a week", clock.GetUtcNow().AddDays(7));
        var (foreverId, forever) = await app.Api(session).CreateApiKeyAsync("forever");
        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        await app.Mail.WaitForAsync(email);

        var first = await PurgeAsync(app);
        Assert.Equal((0, 0, 0), (first.Sessions, first.ApiKeys, first.ResetTokens));

        clock.Advance(TimeSpan.FromHours(2)); // the reset link (1 h) has expired
        var second = await PurgeAsync(app);
        Assert.Equal((0, 0, 1), (second.Sessions, second.ApiKeys, second.ResetTokens));
        Assert.DoesNotContain(await RowsAsync(app.Tables.Users, userId), r => r.StartsWith("rst-", StringComparison.Ordinal));
        Assert.Equal(3, (await RowsAsync(app.Tables.Users, userId)).Count(r => r.StartsWith("tok-", StringComparison.Ordinal)));

        clock.Advance(TimeSpan.FromHours(23)); // the session (24 h) has expired
        var third = await PurgeAsync(app);
        Assert.Equal((1, 0), (third.Sessions, third.ApiKeys));
        Assert.Equal(new[] { "tok-" + foreverId, "tok-" + weekId, "user" }.Order(), (await RowsAsync(app.Tables.Users, userId)).Order());
        await (await app.Api(week).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);

        clock.Advance(TimeSpan.FromDays(7));
        var fourth = await PurgeAsync(app);
        Assert.Equal((0, 1), (fourth.Sessions, fourth.ApiKeys));
        Assert.Equal(new[] { "tok-" + foreverId, "user" }.Order(), (await RowsAsync(app.Tables.Users, userId)).Order());
        await (await app.Api(forever).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);

        // Every index row that pointed at something due is gone: what is left indexes today's security
        // events, which are kept for 90 days.
        Assert.All(await RowsAsync(app.Tables.Expiry), r => Assert.StartsWith("evt_", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondFactorTicketsArePurgedOnceExpiredAndTheFactorStays()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var user = await MfaTestKit.NewEnrolledUserAsync(app);
        var used = await MfaTestKit.TicketAsync(app, user);
        await (await MfaTestKit.CompleteAsync(app, used, code: MfaTestKit.CodeNow(app, user.Secret))).ShouldBe(HttpStatusCode.OK);
        await MfaTestKit.TicketAsync(app, user); // never used
        await MfaTestKit.TicketAsync(app, user); // never used

        var first = await PurgeAsync(app);
        Assert.Equal(0, first.MfaTickets);
        Assert.Equal(2, (await RowsAsync(app.Tables.Users, user.UserId)).Count(r => r.StartsWith("tkt-", StringComparison.Ordinal)));

        clock.Advance(TimeSpan.FromHours(2));
        var second = await PurgeAsync(app);

        Assert.Equal(2, second.MfaTickets); // the used one was deleted with its login: its index row is dropped uncounted
        var rows = await RowsAsync(app.Tables.Users, user.UserId);
        Assert.DoesNotContain(rows, r => r.StartsWith("tkt-", StringComparison.Ordinal));
        Assert.Contains("mfa", rows);
        Assert.Contains("second-factor tickets", second.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUsedResetTokenIsPurgedAndTheCountsAreLogged()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, _, _, userId) = await app.Api().NewUserAsync();
        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        var token = CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(email));
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "the new passphrase" })).ShouldBe(HttpStatusCode.NoContent);

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Contains(await RowsAsync(app.Tables.Users, userId), r => r.StartsWith("rst-", StringComparison.Ordinal));
        // Invoked as either host invokes it: a fresh instance of its class, a TimerInfo.
        var function = Assert.Single(Auth.Functions.Hosting.FunctionCatalog.Timer);
        await function.Invoke(app.Services, new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        Assert.DoesNotContain(await RowsAsync(app.Tables.Users, userId), r => r.StartsWith("rst-", StringComparison.Ordinal));
        var logged = Assert.Single(app.Logs.Lines, l => l.EventId == 1060);
        Assert.Contains("ResetTokens=1", logged.State, StringComparison.Ordinal);
        // A second run finds nothing left to do, and says so.
        await function.Invoke(app.Services, new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        Assert.Contains("ResetTokens=0", app.Logs.Lines.Where(l => l.EventId == 1060).Last().State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOrphanEmailIndexRowIsPurgedButACompleteRegistrationsIsNot()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        await app.Api().RegisterAsync("complete@example.com", "correct horse battery");
        // What a crash between the index insert and the user insert leaves behind.
        var orphanKey = Auth.Functions.Users.EmailAddress.KeyOf("orphan@example.com");
        var expiry = app.Services.GetRequiredService<ExpiryIndex>();
        await expiry.AddAsync(clock.GetUtcNow() + TimeSpan.FromMinutes(2), ExpiryKind.EmailIndex, orphanKey, "", CancellationToken.None);
        await app.Tables.Emails.AddEntityAsync(new EmailIndexEntity { PartitionKey = orphanKey, RowKey = "", UserId = Auth.Functions.Tokens.Keys.NewId(), Created = clock.GetUtcNow() });

        var early = await PurgeAsync(app);
        clock.Advance(TimeSpan.FromMinutes(3));
        var late = await PurgeAsync(app);

        Assert.Equal(0, early.OrphanEmailRows);
        Assert.Equal(1, late.OrphanEmailRows);
        Assert.Single(await RowsAsync(app.Tables.Emails));
        await app.Api().LoginAsync("complete@example.com", "correct horse battery");
        // The orphaned address can be registered again.
        await app.Api().RegisterAsync("orphan@example.com", "correct horse battery");
    }

    [Fact]
    public async Task StaleFailedLoginCountersArePurgedAndFreshOnesKept()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        await app.Api().PostAsync("/api/auth/login", new { email = "old@example.com", password = "whatever it is" });
        clock.Advance(TimeSpan.FromHours(20));
        await app.Api().PostAsync("/api/auth/login", new { email = "fresh@example.com", password = "whatever it is" });

        clock.Advance(TimeSpan.FromHours(5));
        var result = await PurgeAsync(app);

        // The old failure's two counters (its network's on the account, the account's), and the
        // network's count across accounts, whose 15-minute window has ended.
        Assert.Equal(3, result.Throttles);
        Assert.Equal(0, await LoginTests.Failures(app, "old@example.com"));
        Assert.Equal(0, await LoginTests.AccountFailures(app, "old@example.com"));
        Assert.Equal(1, await LoginTests.Failures(app, "fresh@example.com"));
        Assert.Equal(1, await LoginTests.AccountFailures(app, "fresh@example.com"));
    }

    [Fact]
    public async Task ThePurgeReadsOnlyWhatIsDueNotEverythingStored()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (_, _, session, userId) = await app.Api().NewUserAsync();
        await app.QuietAsync(); // The registration's verification email, its link and counters, are all written.
        var tokens = app.Services.GetRequiredService<Auth.Functions.Tokens.TokenStore>();
        var user = await app.UserAsync(userId);
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await tokens.CreateApiKeyAsync(user, $"permanent {i}", null, ct));
        await Parallel.ForEachAsync(Enumerable.Range(0, 5), new ParallelOptions { MaxDegreeOfParallelism = 5 }, async (i, ct) =>
            await tokens.CreateApiKeyAsync(user, $"expiring {i}", clock.GetUtcNow().AddHours(1), ct));

        clock.Advance(TimeSpan.FromHours(2));
        var result = await PurgeAsync(app);

        Assert.Equal(5, result.ApiKeys);
        // 5 expiring keys + the registration's email check and its verification email's two counters
        // (per account, service-wide); never the 200 permanent keys, the session or the verification link (due in a day).
        Assert.Equal(8, result.IndexRowsRead);
        Assert.Equal(203, (await RowsAsync(app.Tables.Users, userId)).Count);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task KeysWhoseHourHasPassedAreDeletedUnreadAndKeysDueThisHourAreReadFirst()
    {
        var clock = AuthApp.NewClock(); // 09:00
        await using var app = await AuthApp.StartAsync(clock);
        var (_, _, _, userId) = await app.Api().NewUserAsync();
        var tokens = app.Services.GetRequiredService<Auth.Functions.Tokens.TokenStore>();
        var user = await app.UserAsync(userId);
        var past = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            past.Add((await tokens.CreateApiKeyAsync(user, $"past {i}", clock.GetUtcNow().AddMinutes(10), CancellationToken.None)).Entity.RowKey);
        }

        var current = (await tokens.CreateApiKeyAsync(user, "this hour", clock.GetUtcNow().AddHours(1).AddMinutes(20), CancellationToken.None)).Entity.RowKey;
        clock.Advance(TimeSpan.FromHours(1).Add(TimeSpan.FromMinutes(30))); // 10:30: the 09:xx hour is over, 10:20 has passed within this one

        var recorded = app.Storage.Record();
        var result = await PurgeAsync(app);

        Assert.Equal(4, result.ApiKeys);
        var reads = recorded.Where(r => r.Method == "GET" && r.IsPointOperation).Select(r => r.RowKey).ToList();
        Assert.DoesNotContain(reads, r => past.Contains(r!));
        Assert.Contains(current, reads);
        Assert.DoesNotContain(await RowsAsync(app.Tables.Users, userId), r => past.Contains(r) || r == current);
    }

    [Fact]
    public async Task OverlappingRunsAndARunCutOffHalfWayLeaveNothingWrong()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (_, _, _, userId) = await app.Api().NewUserAsync();
        await app.QuietAsync(); // The registration's verification email, its link and counters, are all written.
        var tokens = app.Services.GetRequiredService<Auth.Functions.Tokens.TokenStore>();
        var user = await app.UserAsync(userId);
        var expiring = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            expiring.Add((await tokens.CreateApiKeyAsync(user, $"k{i}", clock.GetUtcNow().AddMinutes(30), CancellationToken.None)).Entity.RowKey);
        }

        var (keeper, _) = await tokens.CreateApiKeyAsync(user, "keeper", clock.GetUtcNow().AddDays(1), CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        // "Cut off half-way": a run deleted these targets and died before dropping their index rows.
        foreach (var row in expiring.Take(10))
        {
            await app.Tables.Users.DeleteEntityAsync(userId, row);
        }

        var runs = await Task.WhenAll(PurgeAsync(app), PurgeAsync(app), PurgeAsync(app));

        Assert.Equal(20, runs.Sum(r => r.ApiKeys));
        var left = await RowsAsync(app.Tables.Users, userId);
        Assert.Empty(left.Intersect(expiring));
        Assert.Contains(keeper.RowKey, left);
        Assert.Equal(4, left.Count); // the user, the keeper, the login session and the verification link
        var again = await PurgeAsync(app);
        Assert.Equal(0, again.ApiKeys);
    }

    [Fact]
    public async Task StandaloneTheTimerRunsThePurgeOnItsSchedule()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["PurgeSchedule"] = "* * * * * *" });
        var (_, _, session, userId) = await app.Api().NewUserAsync();
        var (id, _) = await app.Api(session).CreateApiKeyAsync("soon gone", DateTimeOffset.UtcNow.AddSeconds(2));

        // The run that deleted the key logs it: wait for that line, then look at storage.
        Assert.True(await Eventually.TrueAsync(() => app.Logs.Lines.Any(l => l.EventId == 1060 && l.State.Contains("ApiKeys=1", StringComparison.Ordinal))),
            "no purge run deleted the expiring key");
        Assert.DoesNotContain("tok-" + id, await RowsAsync(app.Tables.Users, userId));
        Assert.Contains("user", await RowsAsync(app.Tables.Users, userId));
    }

    [Fact]
    public async Task AnIndexRowStaysWhenItsTargetChangedBeforeTheDeleteSoTheTargetIsPurgedLater()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var api = app.Api();
        await api.PostAsync("/api/auth/login", new { email = "stale@example.com", password = "bad password" });
        clock.Advance(TimeSpan.FromHours(25)); // the counter is stale (ForgetAfter is 24 h): due for the purge

        // Held at the counters' delete (both rows of the email's partition, one batch): meanwhile a new
        // failure rewrites them, so the guarded delete fails. (The network's count across accounts, a
        // row of its own, is deleted on its own and counted below.)
        var held = app.Storage.PauseAt(r => r.IsBatch && r.Body.Contains("throttles", StringComparison.Ordinal));
        var run = PurgeAsync(app);
        await held.WaitReachedAsync();
        await api.PostAsync("/api/auth/login", new { email = "stale@example.com", password = "bad password" });
        held.Release();
        var result = await run;

        Assert.Equal(1, result.Throttles); // only the network's count across accounts: its window had ended
        Assert.Equal(1, await LoginTests.Failures(app, "stale@example.com"));
        // The target survived, so its index row did too (or it was indexed again at its new due time).
        Assert.Contains(await RowsAsync(app.Tables.Expiry), r => r.StartsWith("thr_", StringComparison.Ordinal));

        clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal(3, (await PurgeAsync(app)).Throttles); // both counters, and the window the new failure opened
        Assert.Equal(0, await LoginTests.Failures(app, "stale@example.com"));
        Assert.DoesNotContain(await RowsAsync(app.Tables.Expiry), r => r.StartsWith("thr_", StringComparison.Ordinal));
    }
}
