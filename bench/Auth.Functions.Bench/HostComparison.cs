using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Bench;

/// <summary>
/// Two builds of the app's standalone server, measured in the same run, alternately (A B, B A, …) so
/// that the machine's drift falls on both: start-up (process start to the first 200 from
/// /api/health), key validation (GET /api/auth/me) and login (POST /api/auth/login) throughput over
/// loopback. Bounded: every load phase stops after its duration.
/// Usage: compare &lt;name=appDir&gt; &lt;name=appDir&gt; [rounds] [seconds]
/// </summary>
public static class HostComparison
{
    private const string Password = "correct horse battery";

    public static async Task<int> RunAsync(string[] args)
    {
        var builds = args.Take(2).Select(a => a.Split('=', 2)).Select(p => (Name: p[0], Dir: p[1])).ToList();
        var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var seconds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var azurite = await Azurite.Shared;
        var results = builds.ToDictionary(b => b.Name, _ => new List<(double StartMs, double MePerSec, double LoginPerSec)>());

        for (var round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? builds : Enumerable.Reverse(builds).ToList();
            foreach (var (name, dir) in order)
            {
                var measured = await MeasureAsync(dir, azurite.ConnectionString, TimeSpan.FromSeconds(seconds));
                results[name].Add(measured);
                Console.WriteLine($"round {round + 1} {name}: start-up {measured.StartMs:F0} ms, me {measured.MePerSec:F0}/s, login {measured.LoginPerSec:F1}/s");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| build | start-up, median of {rounds} | key validation (GET /api/auth/me), req/s | login (POST /api/auth/login), req/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        var baseline = results[builds[0].Name];
        foreach (var (name, _) in builds)
        {
            var r = results[name];
            Console.WriteLine($"| {name} | {Median(r, x => x.StartMs):F0} ms ({Median(r, x => x.StartMs) / Median(baseline, x => x.StartMs):F2}) " +
                $"| {Median(r, x => x.MePerSec):F0} ({Median(r, x => x.MePerSec) / Median(baseline, x => x.MePerSec):F2}) " +
                $"| {Median(r, x => x.LoginPerSec):F1} ({Median(r, x => x.LoginPerSec) / Median(baseline, x => x.LoginPerSec):F2}) |");
        }

        return 0;
    }

    private static double Median<T>(List<T> values, Func<T, double> select)
    {
        var sorted = values.Select(select).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<(double StartMs, double MePerSec, double LoginPerSec)> MeasureAsync(string dir, string storage, TimeSpan duration)
    {
        var port = LocalProcess.FreePort();
        var prefix = "b" + Guid.NewGuid().ToString("N")[..12];
        var clock = Stopwatch.StartNew();
        await using var app = LocalProcess.Start("dotnet", [Path.Combine(dir, "Auth.Functions.dll")], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["AzureWebJobsStorage"] = storage,
            ["Storage__TablePrefix"] = prefix,
            ["Storage__QueuePrefix"] = prefix + "-",
            ["PublicBaseUrl"] = "https://auth.example.com",
            // Benchmark users log in straight after registering, with no inbox to verify from.
            ["Accounts__RequireVerifiedEmail"] = "false",
            ["RateLimits__LoginPerMinute"] = "100000",
            ["Email__PickupDirectory"] = Path.Combine(Path.GetTempPath(), prefix),
            ["SecretKeys__File"] = Path.Combine(Path.GetTempPath(), prefix, "secret-keys"),
            ["Logging__LogLevel__Default"] = "Warning",
        }, workingDirectory: dir);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60) || app.HasExited)
            {
                throw new InvalidOperationException("The app did not start: " + app.Output);
            }

            await Task.Delay(5);
        }

        var startMs = clock.Elapsed.TotalMilliseconds;
        const string email = "bench@example.com";
        (await http.PostAsJsonAsync("/api/auth/register", new { email, password = Password })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/auth/login", new { email, password = Password })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>();
        var key = (string)login!["token"]!["key"]!;

        var me = await LoadAsync(http, 16, duration, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            return request;
        });
        var logins = await LoadAsync(http, 4, duration, () =>
            new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password = Password }) });
        await app.TerminateAsync(TimeSpan.FromSeconds(10));
        return (startMs, me, logins);
    }

    /// <summary>Requests per second answered 200, by <paramref name="workers"/> loops for <paramref name="duration"/>.</summary>
    private static async Task<double> LoadAsync(HttpClient http, int workers, TimeSpan duration, Func<HttpRequestMessage> request)
    {
        var result = await LoadBenchmark.LoadAsync(workers, duration, async _ =>
        {
            using var message = request();
            using var response = await http.SendAsync(message);
            return (int)response.StatusCode;
        });
        if (result.Problems.Length > 0)
        {
            Console.WriteLine($"  ({result.Problems.Trim()})");
        }

        return result.PerSecond;
    }
}
