using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Functions.Tests.Integration;

/// <summary>
/// A failed login reveals nothing by its storage work; overload on one account is answered as
/// overload; the throttle counts per account and per client network, so an attacker cannot lock the
/// owner out; and logins are limited per client address.
/// </summary>
public sealed partial class LoginHardeningTests
{
    private const string Password = "correct horse battery";

    /// <summary>
    /// The storage requests of one failed login, each as "method table kind", sorted (the writes of the
    /// failure path go out together, so their order on the wire varies): what an observer could time.
    /// Table requests, and messages queued (the queue listener's polling is not the request's work).
    /// </summary>
    /// <param name="network">Each path tries from a network of its own, so each finds its network's counts as the others find theirs.</param>
    private static async Task<List<string>> FailureWorkAsync(AuthApp app, string email, string network)
    {
        await app.QuietAsync(); // No background email work may touch storage while the login is counted.
        var recorded = app.Storage.Record();
        await (await app.Api().PostFromAsync(network, "/api/auth/login", new { email, password = "not the password" }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        var prefix = app.TablePrefix;
        return recorded.Where(r => r.IsTable || r.Method == "POST").Select(r => !r.IsTable
                ? $"{r.Method} queue {r.Path.TrimStart('/').Split('/')[1].Replace(app.QueuePrefix, "", StringComparison.Ordinal)}"
                : r.IsBatch
                ? $"{r.Method} batch of {string.Join("+", TableInBatch().Matches(r.Body).Select(m => m.Groups[1].Value.Replace(prefix, "", StringComparison.Ordinal)))}"
                : $"{r.Method} {r.Path.TrimStart('/').Split('/')[^1].Split('(')[0].Replace(prefix, "", StringComparison.Ordinal)} {(r.IsPointOperation ? "point" : "table")}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [GeneratedRegex(@"/(t[0-9a-f]{16}\w+)\(")]
    private static partial Regex TableInBatch();

    [Fact]
    public async Task AFailedLoginDoesTheSameStorageWorkWhetherTheAccountIsUnknownKnownUnverifiedDisabledOrHasASecondFactor()
    {
        await using var app = await AuthApp.StartAsync(settings: BehindOneProxy(("Accounts:RequireVerifiedEmail", "true")));
        var api = app.Api();
        await api.RegisterAsync("unverified@example.com", Password);
        var verified = await api.RegisterAsync("known@example.com", Password);
        await app.Tables.Users.UpdateEntityAsync(
            new Azure.Data.Tables.TableEntity((string)verified["id"]!, "user") { ["EmailVerified"] = true }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);
        // An account with a confirmed second factor (enrolled through the API, on the real clock).
        var withMfa = await api.RegisterAsync("mfa@example.com", Password);
        await app.Tables.Users.UpdateEntityAsync(
            new Azure.Data.Tables.TableEntity((string)withMfa["id"]!, "user") { ["EmailVerified"] = true }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);
        var session = app.Api(await api.LoginAsync("mfa@example.com", Password));
        var secret = OtpNet.Base32Encoding.ToBytes((string)(await (await session.PostAsync("/api/auth/mfa/totp", new { password = Password })).Json())["secret"]!);
        await (await session.PostAsync("/api/auth/mfa/totp/confirm", new { code = Auth.Functions.Mfa.TotpCodes.Compute(secret, DateTimeOffset.UtcNow) })).ShouldBe(HttpStatusCode.OK);
        Assert.True((await app.UserAsync((string)withMfa["id"]!)).MfaEnabled);
        // An account an admin disabled (through the admin API).
        var disabled = await api.RegisterAsync("disabled@example.com", Password);
        await app.Tables.Users.UpdateEntityAsync(
            new Azure.Data.Tables.TableEntity((string)disabled["id"]!, "user") { ["EmailVerified"] = true }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);
        await (await app.Api(await AdminTestKit.AdminKeyAsync(app)).PostAsync($"/api/admin/users/{(string)disabled["id"]!}/disable", new { })).ShouldBe(HttpStatusCode.NoContent);

        // The first failure of the day for each (it indexes the day's events), more, and the fifth, which
        // makes throttling engage (a login_throttled event, and its notification queued).
        foreach (var round in new[] { "first", "second", "third", "fourth", "fifth" })
        {
            var unknown = await FailureWorkAsync(app, "nobody@example.com", "198.51.100.1");
            var known = await FailureWorkAsync(app, "known@example.com", "198.51.101.1");
            var unverified = await FailureWorkAsync(app, "unverified@example.com", "198.51.102.1");
            var mfa = await FailureWorkAsync(app, "mfa@example.com", "198.51.103.1");
            var off = await FailureWorkAsync(app, "disabled@example.com", "198.51.104.1");

            Assert.True(unknown.SequenceEqual(known), $"{round}: unknown [{string.Join(", ", unknown)}] vs known [{string.Join(", ", known)}]");
            Assert.True(unknown.SequenceEqual(unverified), $"{round}: unknown [{string.Join(", ", unknown)}] vs unverified [{string.Join(", ", unverified)}]");
            Assert.True(unknown.SequenceEqual(mfa), $"{round}: unknown [{string.Join(", ", unknown)}] vs second factor [{string.Join(", ", mfa)}]");
            Assert.True(unknown.SequenceEqual(off), $"{round}: unknown [{string.Join(", ", unknown)}] vs disabled [{string.Join(", ", off)}]");
            // Two reads in sequence for the account (index row, user row), the counters, and the writes.
            Assert.Equal(2, unknown.Count(r => r.StartsWith("GET emails", StringComparison.Ordinal) || r.StartsWith("GET users", StringComparison.Ordinal)));
            Assert.Contains(round == "fifth" ? "POST batch of users+users" : "PUT users point", unknown);
            Assert.Equal(round == "fifth", unknown.Contains("POST queue account-email"));
        }

        // The known account's failures are in its log; the unknown email's left no rows (the decoy is overwritten).
        var types = new List<string>();
        await foreach (var row in app.Tables.Users.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == (string)verified["id"]!))
        {
            if (row.GetString("Type") is { } type)
            {
                types.Add(type);
            }
        }

        Assert.Equal(5, types.Count(t => t == "login_failed"));
        Assert.Equal(1, types.Count(t => t == "login_throttled"));
        var decoys = 0;
        await foreach (var row in app.Tables.Users.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey.CompareTo("~") > 0))
        {
            decoys++;
        }

        Assert.Equal(2, decoys); // the unknown email's two decoy rows (failed, throttled), overwritten at each failure

        // The decoy's notification was taken off the queue and dropped, not retried into the poison queue.
        await app.QuietAsync();
        Assert.Contains(app.Logs.Lines, l => l.EventId == 1080 && l.Message.Contains("decoy", StringComparison.Ordinal));
        var poison = app.Services.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient(app.Services.GetRequiredService<Auth.Functions.Storage.StorageOptions>().QueueName("account-email-poison"));
        Assert.False(await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length > 0);
    }

    [Fact]
    public async Task TwoHundredLoginsOfOneAccountAtOnceAreAnsweredOkOrTooManyRequestsNeverUnavailable()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?>
        {
            // Cheap hashes (the default number at once): what is left to contend is the account's counter.
            ["PasswordHashing:MemoryKiB"] = "1024",
            ["PasswordHashing:Iterations"] = "1",
        });
        var api = app.Api();
        await api.RegisterAsync("shared@example.com", Password);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            api.PostAsync("/api/auth/login", new { email = "shared@example.com", password = Password })));

        var statuses = string.Join(", ", responses.GroupBy(r => (int)r.StatusCode).Select(g => $"{g.Key}×{g.Count()}"));
        Assert.True(responses.All(r => r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests), statuses);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests))
        {
            await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        Assert.DoesNotContain(app.Logs.Lines, l => l.EventId == 500); // no storage outage was reported
        await api.LoginAsync("shared@example.com", Password);
    }

    [Fact]
    public async Task ACounterThatStaysContendedEndsInTooManyRequestsNotInAnExhaustedStorageBudget()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        await api.RegisterAsync("contended@example.com", Password);
        // The registration's verification email counts itself in the throttles table too: let it finish first.
        await app.QuietAsync();

        var verifications = app.Hasher.Verifications;

        // Every write to the counter loses to another attempt, at the exact point a crowd would beat it.
        var inserts = app.Storage.FailAt(r => r.IsTo("throttles") && r.Method == "POST",
            () => new Azure.RequestFailedException(409, "Injected: another attempt inserted the counter.", "EntityAlreadyExists", null));
        var updates = app.Storage.FailAt(r => r.IsTo("throttles") && r.Method == "PUT",
            () => new Azure.RequestFailedException(412, "Injected: another attempt updated the counter.", "UpdateConditionNotSatisfied", null));
        var response = await api.PostAsync("/api/auth/login", new { email = "contended@example.com", password = Password });
        inserts.Stop();
        updates.Stop();

        await response.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.InRange(inserts.Arrivals + updates.Arrivals, 2, 8); // a few tries, bounded
        Assert.Equal(verifications, app.Hasher.Verifications); // never evaluated uncounted
        Assert.DoesNotContain(app.Logs.Lines, l => l.EventId == 500);
        await api.LoginAsync("contended@example.com", Password);
    }

    private static Task<HttpResponseMessage> LoginFrom(Api api, string address, string email, string password) =>
        api.PostFromAsync(address, "/api/auth/login", new { email, password });

    private static Task<HttpResponseMessage> LoginBasicFrom(Api api, string address, string email, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/login");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", address);
        return api.SendAsync(request);
    }

    /// <summary>Behind one trusted proxy, as under the Functions host: the client is the entry it appended.</summary>
    private static Dictionary<string, string?> BehindOneProxy(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["RateLimits:TrustedProxies"] = "1" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task AnAttackerAtOneAddressCannotKeepTheOwnerAtAnotherOut()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock, BehindOneProxy());
        var api = app.Api();
        await api.RegisterAsync("owner@example.com", Password);
        const string Attacker = "198.51.100.7";
        const string Owner = "203.0.113.9";

        for (var i = 0; i < 5; i++)
        {
            await (await LoginFrom(api, Attacker, "owner@example.com", "a wrong guess")).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        // The attacker's network backs off, whatever it sends, and so does the rest of its /24.
        await (await LoginFrom(api, Attacker, "owner@example.com", Password)).ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        await (await LoginFrom(api, "198.51.100.200", "owner@example.com", "a wrong guess")).ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");

        // One guess every back-off period, for hours: the owner, elsewhere, logs in every time.
        for (var hour = 0; hour < 6; hour++)
        {
            clock.Advance(TimeSpan.FromMinutes(16));
            await (await LoginFrom(api, Attacker, "owner@example.com", "a wrong guess")).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
            var owner = await LoginFrom(api, Owner, "owner@example.com", Password);
            await owner.ShouldBe(HttpStatusCode.OK);
        }

        // Only the attacker's free attempts ever counted for the account, and the owner's logins cleared them.
        Assert.Equal(0, await LoginTests.AccountFailures(app, "owner@example.com"));
        Assert.Equal(11, await LoginTests.Failures(app, "owner@example.com", "198.51.100.0/24"));
    }

    [Fact]
    public async Task FailuresFromManyNetworksEngageTheAccountCeilingAndOneNetworkAloneNever()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock, BehindOneProxy(("LoginThrottle:AccountCeiling", "10")));
        var api = app.Api();
        await api.RegisterAsync("target@example.com", Password);

        // One network, for a day of back-off periods: the account's count stops at that network's five.
        for (var i = 0; i < 12; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(16));
            await LoginFrom(api, "198.51.100.7", "target@example.com", "a wrong guess");
        }

        Assert.Equal(5, await LoginTests.AccountFailures(app, "target@example.com"));
        await (await LoginFrom(api, "203.0.113.9", "target@example.com", Password)).ShouldBe(HttpStatusCode.OK);

        // Two networks' free attempts reach the ceiling of ten: a third network, right password or not, waits.
        foreach (var network in new[] { "192.0.2.1", "233.252.0.1" })
        {
            clock.Advance(TimeSpan.FromMinutes(16));
            for (var i = 0; i < 5; i++)
            {
                await LoginFrom(api, network, "target@example.com", "a wrong guess");
            }
        }

        Assert.Equal(10, await LoginTests.AccountFailures(app, "target@example.com"));
        var refused = await LoginFrom(api, "203.0.113.9", "target@example.com", Password);
        await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        // The owner's refused attempts were never evaluated, so they cost the owner's network nothing.
        for (var i = 0; i < 6; i++)
        {
            await (await LoginFrom(api, "203.0.113.9", "target@example.com", Password)).ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        }

        Assert.Equal(0, await LoginTests.Failures(app, "target@example.com", "203.0.113.0/24"));

        // No permanent lockout: after the back-off the owner gets in, and that clears the account's count.
        clock.Advance(TimeSpan.FromSeconds(6));
        await (await LoginFrom(api, "203.0.113.9", "target@example.com", Password)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(0, await LoginTests.AccountFailures(app, "target@example.com"));
    }

    [Fact]
    public async Task ANetworkSprayingGuessesOverManyAccountsIsStoppedAcrossAccounts()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock, BehindOneProxy(("LoginThrottle:NetworkFailureLimit", "5")));
        var api = app.Api();
        await api.RegisterAsync("sprayed@example.com", Password);

        // One guess each at five accounts (known or not): no account's own count comes near its limit.
        for (var i = 0; i < 5; i++)
        {
            await (await LoginFrom(api, "198.51.100.7", $"victim{i}@example.com", "Winter2026!")).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        // The sixth account, from a neighbour in the same /24, right password or not: the network waits out its window.
        var verifications = app.Hasher.Verifications;
        var refused = await LoginFrom(api, "198.51.100.8", "sprayed@example.com", Password);
        await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal(TimeSpan.FromMinutes(15), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(verifications, app.Hasher.Verifications); // refused before any hashing
        Assert.Equal(0, await LoginTests.Failures(app, "sprayed@example.com", "198.51.100.0/24")); // and not held against that account
        var partition = Auth.Functions.Accounts.LoginThrottle.PartitionFor(Auth.Functions.Users.EmailAddress.KeyOf("sprayed@example.com"));
        Assert.False((await app.Tables.Throttles.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(
            partition, Auth.Functions.Accounts.LoginThrottle.NetworkRow("198.51.100.0/24"))).HasValue); // nor left a row behind

        // Another network is not affected, and the window ends.
        await (await LoginFrom(api, "203.0.113.9", "sprayed@example.com", Password)).ShouldBe(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromMinutes(15));
        await (await LoginFrom(api, "198.51.100.7", "sprayed@example.com", Password)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ChangePasswordFromTheOwnersNetworkIsNotHeldBackByAnAttackersFailures()
    {
        await using var app = await AuthApp.StartAsync(settings: BehindOneProxy());
        var api = app.Api();
        await api.RegisterAsync("changer@example.com", Password);
        var loggedIn = await LoginFrom(api, "203.0.113.9", "changer@example.com", Password);
        var session = (string)(await loggedIn.Json())["token"]!["key"]!;
        for (var i = 0; i < 6; i++)
        {
            await LoginFrom(api, "198.51.100.7", "changer@example.com", "a wrong guess");
        }

        var change = new HttpRequestMessage(HttpMethod.Post, "/api/auth/password/change")
        {
            Content = JsonContent.Create(new { oldPassword = Password, newPassword = "a brand new passphrase" }),
        };
        change.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        await (await api.WithKey(session).SendAsync(change)).ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task LoginsAreLimitedPerClientAddressJsonAndBasicTogether()
    {
        await using var app = await AuthApp.StartAsync(settings: BehindOneProxy(("RateLimits:LoginPerMinute", "3")));
        var api = app.Api();

        // Three emails, so no per-account count is involved: the address itself is limited.
        await (await LoginFrom(api, "198.51.100.7", "a@example.com", "a wrong guess")).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        await (await LoginBasicFrom(api, "198.51.100.7", "b@example.com", "a wrong guess")).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        await (await LoginFrom(api, "198.51.100.7", "c@example.com", "a wrong guess")).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        var hashes = app.Hasher.Verifications;

        var limited = await LoginBasicFrom(api, "198.51.100.7", "d@example.com", "a wrong guess");
        await limited.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.NotNull(limited.Headers.RetryAfter);
        await (await LoginFrom(api, "198.51.100.7", "e@example.com", "a wrong guess")).ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal(hashes, app.Hasher.Verifications); // refused before any hashing

        await (await LoginFrom(api, "203.0.113.9", "f@example.com", "a wrong guess")).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }
}

/// <summary>The app does not start when it cannot make its dummy hash.</summary>
public sealed class DummyHashStartUpTests
{
    private sealed class BrokenHasher : Auth.Functions.Passwords.IPasswordHasher
    {
        public string Hash(string password) => throw new InvalidOperationException("Injected: the hashing library cannot be loaded.");

        public bool IsUsable(string? encodedHash) => true;

        public Auth.Functions.Passwords.PasswordVerification Verify(string encodedHash, string password) => throw new InvalidOperationException("Injected.");
    }

    [Fact]
    public async Task AnAppThatCannotMakeItsDummyHashDoesNotStart()
    {
        await using var app = await AuthApp.StartAsync();
        await using var broken = app.WithWebHostBuilder(builder => Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.ConfigureTestServices(
            builder, services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Auth.Functions.Passwords.IPasswordHasher>(services, new BrokenHasher())));

        var failure = Assert.ThrowsAny<Exception>(() => broken.Server);
        Assert.Contains("hashing library", failure.ToString(), StringComparison.Ordinal);
    }
}
