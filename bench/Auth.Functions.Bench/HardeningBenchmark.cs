using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MathNet.Numerics.Distributions;

namespace Auth.Functions.Bench;

/// <summary>
/// bench/hardening.sh: what a failed login's timing tells about an account, and what one account
/// under a crowd of logins answers, against the standalone server on 127.0.0.1.
/// <list type="number">
/// <item>150 interleaved triples of failed logins, a fresh unknown email, a fresh known account and a
/// fresh account with a second factor each time (as an attacker probing addresses meets them), in
/// rotating order; Welch's t-test of each account kind against the unknown emails. p > 0.05 means the
/// timing does not tell them apart.</item>
/// <item>200 logins of one account at once, then 200 callers on it for a few seconds: every answer
/// should be 200 or 429, none 503; then one ordinary login.</item>
/// </list>
/// </summary>
public static class HardeningBenchmark
{
    private const string Password = "correct horse battery";
    private const int Pairs = 150;

    public static async Task<int> RunAsync(string appDir, TimeSpan sustained)
    {
        await using var server = await BenchServer.StartAsync(appDir);
        var http = server.Http;
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();

        // 1. Timing of failed logins. Accounts first (registration hashes), then a warm-up on throwaway emails.
        await Parallel.ForEachAsync(Enumerable.Range(0, Pairs + 20), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            (await http.PostAsJsonAsync("/api/auth/register", new { email = $"known{i}@example.com", password = Password }, ct)).EnsureSuccessStatusCode());
        // Accounts with a confirmed second factor: registered, logged in, enrolled, confirmed with a code.
        await Parallel.ForEachAsync(Enumerable.Range(0, Pairs + 20), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            await EnrolAsync(http, $"mfa{i}@example.com", ct));
        // The registrations' verification emails go out in the background: wait until they have, so they do not share the timing.
        var mail = Path.Combine(Path.GetTempPath(), server.Prefix);
        var waited = Stopwatch.StartNew();
        while ((Directory.Exists(mail) ? Directory.GetFiles(mail, "*.eml").Length : 0) < 2 * (Pairs + 20) && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }
        for (var i = 0; i < 20; i++)
        {
            await FailAsync(http, $"known{Pairs + i}@example.com");
            await FailAsync(http, $"mfa{Pairs + i}@example.com");
            await FailAsync(http, $"warmup{i}@example.com");
        }

        var unknown = new List<double>(Pairs);
        var known = new List<double>(Pairs);
        var withMfa = new List<double>(Pairs);
        for (var i = 0; i < Pairs; i++)
        {
            // Rotating order: no path always runs first, on a connection just used.
            var series = new (List<double> Into, string Email)[] { (unknown, $"nobody{i}@example.com"), (known, $"known{i}@example.com"), (withMfa, $"mfa{i}@example.com") };
            for (var j = 0; j < series.Length; j++)
            {
                var (into, email) = series[(i + j) % series.Length];
                into.Add(await FailAsync(http, email));
            }
        }

        Console.WriteLine("| failed login, wrong password | n | median ms | mean ms | sd ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| unknown email | {Pairs} | {Median(unknown):F2} | {unknown.Average():F2} | {Sd(unknown):F2} |");
        Console.WriteLine($"| known account | {Pairs} | {Median(known):F2} | {known.Average():F2} | {Sd(known):F2} |");
        Console.WriteLine($"| account with a second factor | {Pairs} | {Median(withMfa):F2} | {withMfa.Average():F2} | {Sd(withMfa):F2} |");
        Console.WriteLine();
        foreach (var (name, other) in new[] { ("known account", known), ("second factor", withMfa) })
        {
            var (t, df, p) = Welch(unknown, other);
            Console.WriteLine($"Unknown email against {name}: Welch's t = {t:F2}, df = {df:F0}, two-sided p = {p:F3}: {(p > 0.05 ? "not distinguishable (p > 0.05)" : "DISTINGUISHABLE (p <= 0.05)")}.");
        }

        Console.WriteLine();

        // 2. One account, a crowd at once.
        (await http.PostAsJsonAsync("/api/auth/register", new { email = "shared@example.com", password = Password })).EnsureSuccessStatusCode();
        var burst = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => LoginAsync(http, "shared@example.com")));
        Console.WriteLine("| one account | logins | 200 | 429 | 503 | other |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Console.WriteLine(Row("200 at once", burst));
        var statuses = new List<int>();
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            while (until.Elapsed < sustained)
            {
                var status = await LoginAsync(http, "shared@example.com");
                lock (statuses)
                {
                    statuses.Add(status);
                }
            }
        }));
        Console.WriteLine(Row($"200 callers for {sustained.TotalSeconds:F0} s", [.. statuses]));
        var after = await LoginAsync(http, "shared@example.com");
        Console.WriteLine();
        Console.WriteLine($"Then one ordinary login of that account: {after}.");
        return burst.Concat(statuses).Any(s => s is not (200 or 429)) || after != 200 ? 1 : 0;
    }

    /// <summary>Registers an account and turns its second factor on through the API, as an app would.</summary>
    private static async Task EnrolAsync(HttpClient http, string email, CancellationToken ct)
    {
        (await http.PostAsJsonAsync("/api/auth/register", new { email, password = Password }, ct)).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/auth/login", new { email, password = Password }, ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>(ct);
        using var begin = new HttpRequestMessage(HttpMethod.Post, "/api/auth/mfa/totp") { Content = JsonContent.Create(new { password = Password }) };
        begin.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login!["token"]!["key"]!);
        var secret = (string)(await (await http.SendAsync(begin, ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>(ct))!["secret"]!;
        using var confirm = new HttpRequestMessage(HttpMethod.Post, "/api/auth/mfa/totp/confirm")
        {
            Content = JsonContent.Create(new { code = Auth.Functions.Mfa.TotpCodes.Compute(OtpNet.Base32Encoding.ToBytes(secret), DateTimeOffset.UtcNow) }),
        };
        confirm.Headers.Authorization = begin.Headers.Authorization;
        (await http.SendAsync(confirm, ct)).EnsureSuccessStatusCode();
    }

    private static async Task<double> FailAsync(HttpClient http, string email)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { email, password = "not the password" });
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            throw new InvalidOperationException($"{email}: {(int)response.StatusCode}, expected 401.");
        }

        return elapsed;
    }

    private static async Task<int> LoginAsync(HttpClient http, string email)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        return (int)response.StatusCode;
    }

    private static string Row(string what, int[] statuses) =>
        $"| {what} | {statuses.Length} | {statuses.Count(s => s == 200)} | {statuses.Count(s => s == 429)} | {statuses.Count(s => s == 503)} | {statuses.Count(s => s is not (200 or 429 or 503))} |";

    /// <summary>Welch's unequal-variances t-test; the p-value from Math.NET's Student t distribution.</summary>
    private static (double T, double Df, double P) Welch(List<double> a, List<double> b)
    {
        double va = Variance(a) / a.Count, vb = Variance(b) / b.Count;
        var t = (a.Average() - b.Average()) / Math.Sqrt(va + vb);
        var df = (va + vb) * (va + vb) / (va * va / (a.Count - 1) + vb * vb / (b.Count - 1));
        var p = 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(t)));
        return (t, df, p);
    }

    private static double Variance(IReadOnlyList<double> x)
    {
        var mean = x.Average();
        return x.Sum(v => (v - mean) * (v - mean)) / (x.Count - 1);
    }

    private static double Sd(IReadOnlyList<double> x) => Math.Sqrt(Variance(x));

    private static double Median(IReadOnlyList<double> x)
    {
        var sorted = x.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
