using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Functions.Hosting;
using Auth.Functions.Tests.Infrastructure;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Auth.Functions.Tests.Functions;

/// <summary>
/// The published app under the genuine Azure Functions host, over HTTP: the host's routing, its HTTP
/// proxy to the worker, its queue and timer triggers with host.json's retries and poison queue, and
/// what it passes on of the client. Each test starts a host of its own over an Azurite of its own.
/// </summary>
public sealed class GenuineHostTests
{
    private const string Password = "correct horse battery";

    /// <summary>The settings every host here runs with besides <see cref="FunctionsHost"/>'s: CORS and GitHub's stand-in for the parity scenario.</summary>
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Cors__AllowedOrigins__0"] = WorkerParityTests.AppOrigin };
        foreach (var (key, value) in WorkerParityTests.ExternalSettings())
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The scenario's calls through the host's listener.</summary>
    private sealed class HostSide(FunctionsHost host) : WorkerParityTests.ISide
    {
        public Task<WorkerParityTests.Answer> SendAsync(
            string method, string pathAndQuery, object? body, string? authorization, string contentType, IReadOnlyDictionary<string, string>? headers) =>
            WorkerParityTests.SendOverHttpAsync(host.Http, method, pathAndQuery, body, authorization, contentType, headers);

        public Task<string> AdminKeyAsync() => WorkerParityTests.MintAdminKeyAsync(host.Azurite.ConnectionString, tablePrefix: null);

        // Delivered by the host's own queue trigger, into the pickup folder.
        public Task<string> LinkTokenAsync(string page) => WorkerParityTests.TokenFromMailAsync(host.MailDirectory, page);

        /// <summary>The host's Azurite stops answering (SIGSTOP) until disposed.</summary>
        public async Task<IAsyncDisposable> StorageOutageAsync()
        {
            await host.Azurite.PauseAsync();
            return new Resume(host.Azurite);
        }

        public ValueTask DisposeAsync() => host.DisposeAsync();

        private sealed class Resume(Azurite azurite) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync() => await azurite.ResumeAsync();
        }
    }

    [HostFact]
    public async Task ThroughTheGenuineHostEveryFunctionAnswersAsTheStandaloneServerDoes()
    {
        await using var hosted = new HostSide(await FunctionsHost.StartAsync(Settings()));
        await using var standalone = await WorkerParityTests.StandaloneSide.StartAsync();

        var viaHost = await WorkerParityTests.ScenarioAsync(hosted);
        var viaStandalone = await WorkerParityTests.ScenarioAsync(standalone);

        WorkerParityTests.AssertSameSteps(viaStandalone, viaHost);
        foreach (var function in FunctionCatalog.Http)
        {
            Assert.Contains(viaHost, s => s.Function == function.Name && s.Status < 400);
            if (function.Name is not ("OpenApi" or "ResetPasswordPage" or "VerifyEmailPage" or "PasskeysPage"))
            {
                Assert.Contains(viaHost, s => s.Function == function.Name && s.Status >= 400);
            }
        }

        // The preflights and the cross-origin call carried CORS headers through the host.
        var preflight = viaHost.First(s => s.Function == "Login" && s.Status == 204);
        Assert.Contains($"cors {WorkerParityTests.AppOrigin} [", preflight.Shape, StringComparison.Ordinal);
        Assert.Contains("POST", preflight.Shape, StringComparison.Ordinal);
    }

    [HostFact]
    public async Task TheHostsQueueTriggersSendTheEmailsAndPutAMalformedMessageInThePoisonQueueAfterFiveDequeues()
    {
        // host.json's retry delay (30 s) shortened through the host's own override of host.json.
        await using var host = await FunctionsHost.StartAsync(Settings(("AzureFunctionsJobHost__extensions__queues__visibilityTimeout", "00:00:01")));
        (await host.Http.PostAsJsonAsync("/api/auth/register", new { email = "queued@example.com", password = Password })).EnsureSuccessStatusCode();
        Assert.StartsWith("afs_verify_", await WorkerParityTests.TokenFromMailAsync(host.MailDirectory, "verify-email"), StringComparison.Ordinal);
        (await host.Http.PostAsJsonAsync("/api/auth/password/forgot", new { email = "queued@example.com" })).EnsureSuccessStatusCode();
        Assert.StartsWith("afs_reset_", await WorkerParityTests.TokenFromMailAsync(host.MailDirectory, "reset-password"), StringComparison.Ordinal);

        var queues = new QueueServiceClient(host.Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        foreach (var (queue, function) in new[] { ("password-reset", "SendResetEmail"), ("account-email", "SendAccountEmail") })
        {
            await queues.GetQueueClient(queue).SendMessageAsync("not a request");
            var poison = queues.GetQueueClient(queue + "-poison");
            Assert.True(await Eventually.TrueAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync(10)).Value.Length == 1, TimeSpan.FromSeconds(90)),
                $"no message in {queue}-poison:\n{host.Output}");
            Assert.Equal("not a request", (await poison.PeekMessageAsync()).Value.Body.ToString());
            // Delivered to the function five times (host.json's maxDequeueCount), each a failure. The
            // host's console log may trail the queue by a moment: wait for the fifth line, then count.
            var failed = $"Executed 'Functions.{function}' (Failed";
            await Eventually.TrueAsync(() => CountLines(host.Output, failed) >= 5, TimeSpan.FromSeconds(15));
            Assert.Equal(5, CountLines(host.Output, failed));
        }
    }

    [HostFact]
    public async Task TheHostsTimerRunsThePurgeOnItsSchedule()
    {
        await using var host = await FunctionsHost.StartAsync(Settings(("PurgeSchedule", "*/2 * * * * *"), ("Accounts__RequireVerifiedEmail", "false")));
        (await host.Http.PostAsJsonAsync("/api/auth/register", new { email = "timer@example.com", password = Password })).EnsureSuccessStatusCode();
        var login = await (await host.Http.PostAsJsonAsync("/api/auth/login", new { email = "timer@example.com", password = Password })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>();
        var userId = (string)login!["user"]!["id"]!;
        var create = new HttpRequestMessage(HttpMethod.Post, "/api/tokens") { Content = JsonContent.Create(new { label = "soon gone", expires = DateTimeOffset.UtcNow.AddSeconds(3) }) };
        create.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login["token"]!["key"]!);
        var tokenId = (string)(await (await host.Http.SendAsync(create)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>())!["token"]!["id"]!;

        var users = new TableClient(host.Azurite.ConnectionString, "authusers");
        async Task<bool> Gone() => !(await users.GetEntityIfExistsAsync<TableEntity>(userId, "tok-" + tokenId)).HasValue;
        Assert.True(await Eventually.TrueAsync(Gone, TimeSpan.FromSeconds(60)), $"the expired key was never purged:\n{host.Output}");
        Assert.True(await Eventually.TrueAsync(() => host.Output.Contains("Executed 'Functions.PurgeExpiredTokens' (Succeeded", StringComparison.Ordinal), TimeSpan.FromSeconds(15)),
            $"no purge run finished under the host:\n{host.Output}");
    }

    /// <summary>What the app records as the client's address for one login, as its security log shows it.</summary>
    private static async Task<List<string?>> AddressesSeenAsync(FunctionsHost host, params string?[] forwardedFor)
    {
        var email = $"client-{Guid.NewGuid():N}@example.com";
        (await host.Http.PostAsJsonAsync("/api/auth/register", new { email, password = Password })).EnsureSuccessStatusCode();
        var api = new Api(host.Http, null);
        foreach (var header in forwardedFor)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostFromAsync(header, "/api/auth/login", new { email, password = "not the password" })).StatusCode);
        }

        var login = await (await host.Http.PostAsJsonAsync("/api/auth/login", new { email, password = Password })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>();
        var events = new HttpRequestMessage(HttpMethod.Get, "/api/auth/events?limit=20");
        events.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login!["token"]!["key"]!);
        var log = await (await host.Http.SendAsync(events)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>();
        return [.. log!["items"]!.AsArray().Where(e => (string)e!["type"]! == "login_failed").Reverse().Select(e => (string?)e!["ip"])];
    }

    [HostFact]
    public async Task TheClientAddressIsTheOneTheHostPassesOnNeverOneTheClientWrote()
    {
        // As deployed (the Bicep sets ASPNETCORE_FORWARDEDHEADERS_ENABLED for the host): the host takes
        // the address the platform's front end appended to X-Forwarded-For, and passes that one on.
        await using (var deployed = await FunctionsHost.StartAsync(Settings(("Accounts__RequireVerifiedEmail", "false"))))
        {
            var seen = await AddressesSeenAsync(deployed, null, "203.0.113.9", "1.2.3.4, 203.0.113.9", "junk");
            Assert.Equal(["127.0.0.1", "203.0.113.9", "203.0.113.9", "127.0.0.1"], seen);
        }

        // Without it, the host replaces X-Forwarded-For with its own view of the caller: every client
        // looks the same, and nothing the client wrote gets through.
        await using var bare = await FunctionsHost.StartAsync(Settings(("ASPNETCORE_FORWARDEDHEADERS_ENABLED", null), ("Accounts__RequireVerifiedEmail", "false")));
        Assert.Equal(["127.0.0.1", "127.0.0.1", "127.0.0.1"], await AddressesSeenAsync(bare, null, "203.0.113.9", "1.2.3.4, 203.0.113.9"));
    }

    [HostFact]
    public async Task WhereTheHostAnswersDifferentlyFromTheStandaloneServer()
    {
        await using var host = await FunctionsHost.StartAsync(Settings());
        await using var standalone = await WorkerParityTests.StandaloneSide.StartAsync();
        async Task<WorkerParityTests.Answer> Standalone(string method, string path) => await standalone.SendAsync(method, path, null, null, "application/json", null);

        // A path no function serves: the host's bare 404; standalone, the API's problem.
        using var unknown = await host.Http.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("", await unknown.Content.ReadAsStringAsync());
        var standaloneUnknown = await Standalone("GET", "/api/no-such-thing");
        Assert.Equal(404, standaloneUnknown.Status);
        Assert.Contains("\"code\":\"not_found\"", standaloneUnknown.Body, StringComparison.Ordinal);

        // A method the route does not take: the host's bare 404; standalone, 405 method_not_allowed.
        using var wrongMethod = await host.Http.PutAsync("/api/auth/login", null);
        Assert.Equal(HttpStatusCode.NotFound, wrongMethod.StatusCode);
        Assert.Equal(405, (await Standalone("PUT", "/api/auth/login")).Status);

        // HEAD on a GET route: the host's bare 404; standalone, 405.
        using var head = await host.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/health"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Equal(405, (await Standalone("HEAD", "/api/health")).Status);

        // The site's root is the host's landing page, and /admin its admin API (a master key is needed);
        // standalone serves neither.
        using var root = await host.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Contains("Your Azure Function App is up and running", await root.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(404, (await Standalone("GET", "/")).Status);
        using var admin = await host.Http.GetAsync("/admin/host/status");
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
        Assert.Equal(404, (await Standalone("GET", "/admin/host/status")).Status);

        // A body over the cap: the app's own 413 problem through either.
        var huge = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        huge.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var tooLarge = await host.Http.PostAsync("/api/auth/login", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("\"code\":\"payload_too_large\"", await tooLarge.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The host adds its server's name; the standalone server sends none.
        using var health = await host.Http.GetAsync("/api/health");
        Assert.Equal("Kestrel", health.Headers.Server.ToString());
        using var standaloneHealth = await new HttpClient { BaseAddress = standalone.BaseAddress }.GetAsync("/api/health");
        Assert.Empty(standaloneHealth.Headers.Server);
        // Everything the app itself sets comes through unchanged.
        foreach (var header in new[] { "Cache-Control", "X-Content-Type-Options", "Strict-Transport-Security" })
        {
            Assert.Equal(string.Join(",", standaloneHealth.Headers.GetValues(header)), string.Join(",", health.Headers.GetValues(header)));
        }
    }

    private static int CountLines(string output, string text) =>
        output.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));
}
