using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Bench;

/// <summary>
/// The app's standalone server built from the working tree, over a fresh Azurite of its own, on
/// 127.0.0.1: what every load benchmark runs against.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private BenchServer(Azurite azurite, LocalProcess app, HttpClient http, string prefix)
    {
        Azurite = azurite;
        App = app;
        Http = http;
        Prefix = prefix;
    }

    public Azurite Azurite { get; }

    public LocalProcess App { get; }

    public HttpClient Http { get; }

    /// <summary>The table and queue prefix of this run.</summary>
    public string Prefix { get; }

    /// <param name="settings">Settings over the benchmark defaults (limits that would stand between load callers are lifted).</param>
    public static async Task<BenchServer> StartAsync(string appDir, IDictionary<string, string?>? settings = null)
    {
        var azurite = await Azurite.StartAsync(persistent: false);
        var prefix = "l" + Guid.NewGuid().ToString("N")[..12];
        var port = LocalProcess.FreePort();
        var all = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage__TablePrefix"] = prefix,
            ["Storage__QueuePrefix"] = prefix + "-",
            ["PublicBaseUrl"] = "https://auth.example.com",
            // Benchmark users log in straight after registering, with no inbox to verify from.
            ["Accounts__RequireVerifiedEmail"] = "false",
            ["Email__PickupDirectory"] = Path.Combine(Path.GetTempPath(), prefix),
            ["SecretKeys__File"] = Path.Combine(Path.GetTempPath(), prefix, "secret-keys"),
            ["RateLimits__RegisterPerMinute"] = "100000",
            ["RateLimits__LoginPerMinute"] = "100000",
            // The timing comparison fails hundreds of logins from this one address on purpose.
            ["LoginThrottle__NetworkFailureLimit"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = LocalProcess.Start("dotnet", [Path.Combine(appDir, "Auth.Functions.dll")], all, workingDirectory: appDir);
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        await LocalProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(60), () => app.Output);
        return new BenchServer(azurite, app, http, prefix);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
