using System.Net;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>The real executable, started on its own as a developer, a container or ./run.sh does.</summary>
public sealed class HostingModeTests
{
    private static readonly string AppDll = Path.Combine(AppContext.BaseDirectory, "Auth.Functions.dll");

    private static LocalProcess StartApp(IDictionary<string, string?> environment)
    {
        environment.TryAdd("PublicBaseUrl", "https://auth.test.example");
        environment.TryAdd("SecretKeys__File", Path.Combine(Path.GetTempPath(), "auth-keys-" + Guid.NewGuid().ToString("N")));
        environment.TryAdd("Email__PickupDirectory", Path.Combine(Path.GetTempPath(), "auth-mail-" + Guid.NewGuid().ToString("N")));
        return LocalProcess.Start("dotnet", [AppDll], environment, workingDirectory: AppContext.BaseDirectory);
    }

    [Fact]
    public async Task StartedAsTheFunctionsHostStartsAWorkerItDialsTheHostInsteadOfServingOnItsOwn()
    {
        // A stand-in for the host's gRPC endpoint: it only records that the worker connected and what it said first.
        using var host = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        host.Start();
        var hostPort = ((System.Net.IPEndPoint)host.LocalEndpoint).Port;
        var standalonePort = LocalProcess.FreePort();
        await using var app = LocalProcess.Start("dotnet",
            [AppDll, "--host", "127.0.0.1", "--port", hostPort.ToString(), "--workerId", "w1", "--requestId", "r1",
             "--functions-uri", $"http://127.0.0.1:{hostPort}/", "--functions-worker-id", "w1", "--functions-request-id", "r1",
             "--functions-grpc-max-message-length", "2147483647"],
            new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{standalonePort}",
                ["AzureWebJobsStorage"] = (await Azurite.Shared).ConnectionString,
                ["PublicBaseUrl"] = "https://auth.test.example",
                ["SecretKeys__File"] = Path.Combine(Path.GetTempPath(), "auth-keys-" + Guid.NewGuid().ToString("N")),
            },
            workingDirectory: AppContext.BaseDirectory);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var connection = await host.AcceptTcpClientAsync(timeout.Token);
        var preface = new byte[24];
        await connection.GetStream().ReadExactlyAsync(preface, timeout.Token);

        // HTTP/2 (gRPC) from the worker, and nothing listening where the standalone server would.
        Assert.Equal("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", System.Text.Encoding.ASCII.GetString(preface));
        using var other = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => other.GetAsync($"http://127.0.0.1:{standalonePort}/api/health"));
    }

    [Fact]
    public async Task StandaloneItHonoursAspNetCoreUrls()
    {
        var azurite = await Azurite.Shared;
        var port = LocalProcess.FreePort();
        await using var app = StartApp(new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage__TablePrefix"] = "s" + Guid.NewGuid().ToString("N")[..12],
        });
        await LocalProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(30), () => app.Output);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var health = await http.GetAsync("/api/health");

        await health.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("healthy", (string?)(await health.Json())["status"]);
        Assert.False(health.Headers.Contains("Server"));

        // Far over the cap: refused as too large, as a problem, without reading it all.
        var huge = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        huge.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var tooLarge = await http.PostAsync("/api/auth/login", huge);
        await tooLarge.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", null, "AzureWebJobsStorage")]
    [InlineData("Email__Provider", "carrier-pigeon", "Email__Provider")]
    [InlineData("Email__From", "not an address", "Email__From")]
    [InlineData("Email__Provider", "smtp", "Email__Smtp__Host")]
    [InlineData("Email__Provider", "acs", "Email__Acs__ConnectionString")]
    [InlineData("PublicBaseUrl", "not-a-url", "PublicBaseUrl")]
    [InlineData("PublicBaseUrl", "http://auth.example.com", "PublicBaseUrl")] // plain http only for localhost
    [InlineData("Cors__AllowedOrigins__0", "http://app.example.com", "AllowedOrigins")]
    [InlineData("PasswordHashing__MemoryKiB", "65536", "PasswordHashing")] // over the cap on stored hashes
    [InlineData("Accounts__UnverifiedAccountLifetime", "-1.00:00:00", "UnverifiedAccountLifetime")]
    [InlineData("LoginThrottle__AccountCeiling", "3", "AccountCeiling")]
    [InlineData("Accounts__RequireVerifiedEmail", "maybe", "RequireVerifiedEmail")]
    [InlineData("Cors__AllowedOrigins__0", "https://app.example.com/", "AllowedOrigins")]
    [InlineData("EmailVerification__TokenLifetime", "-01:00:00", "EmailVerification")]
    [InlineData("PurgeSchedule", "every hour", "every hour")]
    [InlineData("SecretKeys__File", null, "SecretKeys__File")] // no key for second-factor secrets
    [InlineData("SecretKeys__File", "/proc/version", "SecretKeys__File")] // a file that holds no key
    [InlineData("SecretKeys__VaultUri", "https://auth-kv.vault.azure.net/", "SecretKeys__VaultUri")] // together with a key file
    [InlineData("Mfa__Issuer", "Acme: staging", "Mfa__Issuer")]
    public async Task ABadSettingStopsStartUpWithAMessageNamingIt(string key, string? value, string named)
    {
        var azurite = await Azurite.Shared;
        await using var app = StartApp(new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LocalProcess.FreePort()}",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            [key] = value,
        });

        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the app kept running with a bad setting");
        Assert.Contains(named, app.Output, StringComparison.Ordinal);
    }
}
