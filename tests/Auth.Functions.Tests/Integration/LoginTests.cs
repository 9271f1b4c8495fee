using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Auth.Functions.Accounts;
using Auth.Functions.Storage;
using Auth.Functions.Tests.Infrastructure;
using Auth.Functions.Users;
using Azure.Data.Tables;

namespace Auth.Functions.Tests.Integration;

public sealed class LoginTests
{
    [Fact]
    public async Task LoginReturnsTheUserAndA24HourSessionKey()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var api = app.Api();
        await api.RegisterAsync("login@example.com", "correct horse battery");

        var response = await api.PostAsync("/api/auth/login", new { email = "login@example.com", password = "correct horse battery" });

        await response.ShouldBe(HttpStatusCode.OK);
        var body = await response.Json();
        var token = body["token"]!;
        Assert.Equal("login@example.com", (string?)body["user"]!["email"]);
        Assert.StartsWith("afs_sess_", (string)token["key"]!, StringComparison.Ordinal);
        Assert.Equal("session", (string?)token["type"]);
        Assert.Null(token["label"]);
        Assert.True((bool)token["isActive"]!);
        Assert.Equal(clock.GetUtcNow(), DateTimeOffset.Parse((string)token["created"]!));
        Assert.Equal(clock.GetUtcNow().AddHours(24), DateTimeOffset.Parse((string)token["expires"]!));
    }

    [Fact]
    public async Task UsernameIsAcceptedAsAnAliasOfEmail()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        await api.RegisterAsync("alias@example.com", "correct horse battery");

        var response = await api.PostAsync("/api/auth/login", new { username = "alias@example.com", password = "correct horse battery" });

        await response.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task LoginFailsGivenAWrongPassword()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        await api.RegisterAsync("wrong@example.com", "correct horse battery");

        var response = await api.PostAsync("/api/auth/login", new { email = "wrong@example.com", password = "correct horse batterY" });

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task LoginWithMissingFieldsIsAValidationProblem()
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().PostAsync("/api/auth/login", new { email = "x@example.com" });

        var body = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(body["errors"]!["password"]);
    }

    [Fact]
    public async Task UnknownEmailAndWrongPasswordAnswerIdentically()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        await api.RegisterAsync("exists@example.com", "correct horse battery");

        var wrongPassword = await api.PostAsync("/api/auth/login", new { email = "exists@example.com", password = "not the password" });
        var verificationsBefore = app.Hasher.Verifications;
        var unknownEmail = await api.PostAsync("/api/auth/login", new { email = "nobody@example.com", password = "not the password" });

        Assert.Equal(wrongPassword.StatusCode, unknownEmail.StatusCode);
        Assert.Equal(await wrongPassword.Content.ReadAsStringAsync(), await unknownEmail.Content.ReadAsStringAsync());
        Assert.Equal(Headers(wrongPassword), Headers(unknownEmail));
        // The unknown email did the same work: one Argon2 verification (against the dummy hash).
        Assert.Equal(verificationsBefore + 1, app.Hasher.Verifications);
    }

    private static string Headers(HttpResponseMessage response) => string.Join("\n",
        response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));

    [Fact]
    public async Task AComposedAccentRegisteredLogsInWithTheDecomposedForm()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        await api.RegisterAsync("nfkc@example.com", "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e");

        await api.LoginAsync("nfkc@example.com", "cafe\u0301 cre\u0300me bru\u0302le\u0301e");
    }

    [Fact]
    public async Task LongPassphrasesWithSpacesAndEmojiWorkAndAreNeverTruncated()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        static string Runes(string pattern, int count) =>
            string.Concat(Enumerable.Repeat(pattern, count).SelectMany(p => p.EnumerateRunes()).Take(count).Select(r => r.ToString()));
        var sixtyFour = Runes("tree 🌲 and ", 64);
        var twoFiftySix = Runes("a long walk 🚶 ", 256);
        Assert.Equal(64, sixtyFour.EnumerateRunes().Count());
        Assert.Equal(256, twoFiftySix.EnumerateRunes().Count());

        await api.RegisterAsync("long64@example.com", sixtyFour);
        await api.RegisterAsync("long256@example.com", twoFiftySix);
        await api.LoginAsync("long64@example.com", sixtyFour);
        await api.LoginAsync("long256@example.com", twoFiftySix);

        var first63 = string.Concat(sixtyFour.EnumerateRunes().Take(63).Select(r => r.ToString()));
        var truncated = await api.PostAsync("/api/auth/login", new { email = "long64@example.com", password = first63 });
        await truncated.ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task LoginBasicAcceptsEmailAndPasswordInTheAuthorizationHeader()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        await api.RegisterAsync("basic@example.com", "correct horse battery");

        var ok = await Basic(api, "basic@example.com", "correct horse battery");
        await ok.ShouldBe(HttpStatusCode.OK);
        Assert.StartsWith("afs_sess_", (string)(await ok.Json())["token"]!["key"]!, StringComparison.Ordinal);

        var wrong = await Basic(api, "basic@example.com", "wrong password!!");
        await wrong.ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal("Basic realm=\"auth\"", wrong.Headers.WwwAuthenticate.ToString());

        var missing = await api.GetAsync("/api/auth/login");
        await missing.ShouldBe(HttpStatusCode.Unauthorized);
        Assert.Equal("Basic realm=\"auth\"", missing.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task LoginBasicTakesTheLongestAllowedPasswordWithALongEmail()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        var email = new string('a', 64) + "@" + new string('b', 60) + "." + new string('c', 60) + "." + new string('d', 50) + ".example.com";
        var password = string.Concat(Enumerable.Repeat("🔑", 256));
        await api.RegisterAsync(email, password);

        await (await Basic(api, email, password)).ShouldBe(HttpStatusCode.OK);
    }

    private static Task<HttpResponseMessage> Basic(Api api, string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/login");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return api.SendAsync(request);
    }

    [Fact]
    public async Task FiveFailuresThenBackOffThenSuccessClearsTheCount()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var api = app.Api();
        await api.RegisterAsync("throttle@example.com", "correct horse battery");

        for (var i = 0; i < 5; i++)
        {
            await (await api.PostAsync("/api/auth/login", new { email = "throttle@example.com", password = "bad password" }))
                .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        // Throttled even with the right password: the check comes before any hashing.
        var throttled = await api.PostAsync("/api/auth/login", new { email = "throttle@example.com", password = "correct horse battery" });
        await throttled.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal(TimeSpan.FromSeconds(5), throttled.Headers.RetryAfter?.Delta);

        clock.Advance(TimeSpan.FromSeconds(6));
        await api.LoginAsync("throttle@example.com", "correct horse battery");
        Assert.Equal(0, await Failures(app, "throttle@example.com"));
    }

    [Fact]
    public async Task AnUnknownEmailIsThrottledExactlyLikeAKnownOne()
    {
        // A fake clock: the two waits are compared to the second, so no time may pass between them.
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var api = app.Api();
        await api.RegisterAsync("known@example.com", "correct horse battery");

        async Task<HttpResponseMessage> SixthAttempt(string email)
        {
            for (var i = 0; i < 5; i++)
            {
                await api.PostAsync("/api/auth/login", new { email, password = "bad password" });
            }

            return await api.PostAsync("/api/auth/login", new { email, password = "bad password" });
        }

        var known = await SixthAttempt("known@example.com");
        var unknown = await SixthAttempt("unknown@example.com");

        await known.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        await unknown.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal(known.Headers.RetryAfter, unknown.Headers.RetryAfter);
    }

    [Theory]
    [InlineData("parallel@example.com", 50)]
    [InlineData("nobody-at-all@example.com", 50)] // unknown: the same answers, so a 429 reveals nothing
    [InlineData("parallel@example.com", 40)]
    public async Task ParallelWrongPasswordsReachThePasswordCheckAtMostFreeAttemptsTimes(string email, int guesses)
    {
        // Room for every guess to hash at once: any 429 below is the throttle's, not a busy hasher's.
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["PasswordHashing:MaxConcurrency"] = "64",
            ["PasswordHashing:MemoryKiB"] = "1024",
            ["PasswordHashing:Iterations"] = "1",
        });
        var api = app.Api();
        await api.RegisterAsync("parallel@example.com", "correct horse battery");
        var before = app.HashesAfterWarmUp();
        var verificationsBefore = app.Hasher.Verifications;

        var responses = await Task.WhenAll(Enumerable.Range(0, guesses).Select(_ =>
            api.PostAsync("/api/auth/login", new { email, password = "bad password" })));

        // Counted at the hasher itself: FreeAttempts (5) guesses were evaluated, no more (and no fewer:
        // nothing was refused before five failures were on record).
        var evaluated = app.Hasher.Verifications - verificationsBefore;
        Assert.Equal(5, evaluated);
        Assert.Equal(before, app.Hasher.Hashes);
        var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.Unauthorized).ToList();
        var throttled = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(evaluated, rejected.Count);
        Assert.Equal(guesses - evaluated, throttled.Count);
        foreach (var response in throttled)
        {
            await response.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        // Each 429 is the throttle's (logged as such), never the hasher's bound.
        Assert.Equal(throttled.Count, app.Logs.Lines.Count(l => l.EventId == 1012));
        Assert.DoesNotContain(app.Logs.Lines, l => l.EventId == 501);
        // Every evaluated guess was counted (no lost update), and the next attempt waits.
        Assert.Equal(evaluated, await Failures(app, email));
        var next = await api.PostAsync("/api/auth/login", new { email, password = "correct horse battery" });
        await next.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
    }

    [Fact]
    public async Task ASuccessfulLoginLeavesNoCounterBehindAndAFailureIsCountedAndIndexedForThePurge()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, _, _) = await app.Api().NewUserAsync();
        async Task<int> IndexedCounters()
        {
            var rows = 0;
            await foreach (var row in app.Tables.Expiry.QueryAsync<Azure.Data.Tables.TableEntity>())
            {
                // Login counters only (the registration's verification email has counters of its own).
                rows += row.RowKey.StartsWith("thr_login-", StringComparison.Ordinal) ? 1 : 0;
            }

            return rows;
        }

        await app.Api().LoginAsync(email, password);
        Assert.Equal(0, await Failures(app, email));
        Assert.Equal(0, await IndexedCounters());

        await (await app.Api().PostAsync("/api/auth/login", new { email, password = "not the password" }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(1, await Failures(app, email));
        Assert.Equal(1, await AccountFailures(app, email));
        Assert.Equal(2, await IndexedCounters()); // the network's counter and the account's
    }

    [Fact]
    public async Task AFailureCountUntouchedForForgetAfterNoLongerThrottles()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var api = app.Api();
        for (var i = 0; i < 5; i++)
        {
            await api.PostAsync("/api/auth/login", new { email = "forgotten@example.com", password = "bad password" });
        }

        await (await api.PostAsync("/api/auth/login", new { email = "forgotten@example.com", password = "bad password" }))
            .ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");

        // Not purged yet (the purge has not run), but a day old: forgotten all the same.
        clock.Advance(TimeSpan.FromHours(24));
        await (await api.PostAsync("/api/auth/login", new { email = "forgotten@example.com", password = "bad password" }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(1, await Failures(app, "forgotten@example.com"));
    }

    [Fact]
    public async Task ABurstBeyondTheHashingBoundIsToldToRetryInsteadOfQueueingWithoutLimit()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["PasswordHashing:MaxConcurrency"] = "1",
            ["PasswordHashing:QueueTimeout"] = "00:00:00.010",
        });
        var api = app.Api();
        _ = app.HashesAfterWarmUp();

        // The first verification is held in the only slot; every other login then waits for a slot.
        // Twelve emails, so no counter serialises them: each unknown email costs a verification (against
        // the dummy hash), as a known one would.
        var held = app.Hasher.PauseAfterNextVerification();
        var first = api.PostAsync("/api/auth/login", new { email = "burst0@example.com", password = "correct horse battery" });
        await held.WaitReachedAsync();
        var others = await Task.WhenAll(Enumerable.Range(1, 11).Select(i =>
            api.PostAsync("/api/auth/login", new { email = $"burst{i}@example.com", password = "correct horse battery" })));
        held.Release();
        var responses = others.Append(await first).ToList();

        var statuses = string.Join(", ", responses.Select(r => (int)r.StatusCode));
        await responses[^1].ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.True(others.All(r => r.StatusCode == HttpStatusCode.TooManyRequests), statuses);
        foreach (var refused in others)
        {
            await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        // Refused by the hasher's bound (logged as a saturated resource), not by any throttle.
        Assert.Equal(11, app.Logs.Lines.Count(l => l.EventId == 501));
        // Never evaluated, so never failures: their counters are gone, not left behind unindexed.
        for (var i = 1; i < 12; i++)
        {
            Assert.Equal(0, await Failures(app, $"burst{i}@example.com"));
        }
    }

    [Fact]
    public async Task AStoredHashIsArgon2idWithOneOfOwaspsEquivalentSettings()
    {
        await using var app = await AuthApp.StartAsync();
        var user = await app.Api().RegisterAsync("stored@example.com", "correct horse battery");

        var hash = await StoredHash(app, (string)user["id"]!);

        Assert.True(Auth.Functions.Passwords.PhcParameters.TryParse(hash, out var p));
        Assert.Equal("argon2id", p.Algorithm);
        // OWASP's equivalent argon2id settings (m in MiB, t): 19/2, 12/3, 9/4, 7/5, 46/1.
        Assert.Contains((p.MemoryKiB, p.Iterations, p.Parallelism), new[] { (19456, 2, 1), (12288, 3, 1), (9216, 4, 1), (7168, 5, 1), (47104, 1, 1) });
    }

    [Fact]
    public async Task AWeakerStoredHashIsUpgradedAtTheNextLogin()
    {
        await using var weakApp = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["PasswordHashing:MemoryKiB"] = "1024", ["PasswordHashing:Iterations"] = "1" });
        var user = await weakApp.Api().RegisterAsync("upgrade@example.com", "correct horse battery");
        var userId = (string)user["id"]!;
        Assert.Contains("m=1024,t=1", await StoredHash(weakApp, userId), StringComparison.Ordinal);

        // Same tables, today's parameters.
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["Storage:TablePrefix"] = weakApp.TablePrefix });
        await app.Api().LoginAsync("upgrade@example.com", "correct horse battery");

        Assert.Contains("m=7168,t=5,p=1", await StoredHash(app, userId), StringComparison.Ordinal);
        Assert.Contains(app.Logs.Lines, l => l.EventId == 1013);
        await app.Api().LoginAsync("upgrade@example.com", "correct horse battery");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("$argon2id$v=19$m=4294967,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    public async Task ACorruptOrHugeStoredHashFailsTheLoginCleanly(string stored)
    {
        await using var app = await AuthApp.StartAsync();
        var user = await app.Api().RegisterAsync("corrupt@example.com", "correct horse battery");
        await app.Tables.Users.UpdateEntityAsync(
            new TableEntity((string)user["id"]!, UserEntity.Row) { ["PasswordHash"] = stored }, Azure.ETag.All, TableUpdateMode.Merge);

        var response = await app.Api().PostAsync("/api/auth/login", new { email = "corrupt@example.com", password = "correct horse battery" });

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    internal static async Task<string> StoredHash(AuthApp app, string userId) =>
        (await app.Tables.Users.GetEntityAsync<UserEntity>(userId, UserEntity.Row)).Value.PasswordHash;

    /// <summary>
    /// The failed-login count stored for an email from a client network (0 when there is no counter).
    /// The in-memory test server has no remote address: its requests come from the unknown network.
    /// </summary>
    internal static async Task<int> Failures(AuthApp app, string email, string network = Auth.Functions.Http.ClientNetwork.Unknown) =>
        await Count(app, email, LoginThrottle.NetworkRow(network));

    /// <summary>The account's failed-login count, over every network.</summary>
    internal static Task<int> AccountFailures(AuthApp app, string email) => Count(app, email, "");

    private static async Task<int> Count(AuthApp app, string email, string row)
    {
        var partition = LoginThrottle.PartitionFor(EmailAddress.KeyOf(EmailAddress.NormalizeLoosely(email)));
        var found = await app.Tables.Throttles.GetEntityIfExistsAsync<LoginThrottleEntity>(partition, row);
        return found.HasValue ? found.Value!.Failures : 0;
    }
}
