using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Functions.Passwords;
using Auth.Functions.Purge;
using Auth.Functions.Storage;
using Auth.Functions.Tests.Infrastructure;
using Auth.Functions.Tokens;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Bench;

/// <summary>
/// The paired load benchmark of bench/load.sh: in one run, against one fresh Azurite, the app's
/// standalone server measured next to the physical floor of the same work (the targets in bench/RESULTS.md):
/// key checks against the same two point reads issued raw, logins against cores ÷ one hash, the
/// server's peak RSS under 200 concurrent logins, and the purge against raw batched deletes.
/// Every phase is bounded by its duration; everything targets 127.0.0.1.
/// </summary>
public static class LoadBenchmark
{
    private const string Password = "correct horse battery";

    public static async Task<int> RunAsync(string appDir, TimeSpan phase, string only = "")
    {
        // 0. Memory per hash, in this process before anything else runs in it.
        var password = System.Text.Encoding.UTF8.GetBytes(Password);
        var sodium = MemoryPerHash(() => new Argon2idHasher(Options.Create(new PasswordHashingOptions())).Hash(Password));
        var isopoh = MemoryPerHash(() => IsopohArgon2.Hash(password, 2, 19456, 1));
        var shipped = new PasswordHashingOptions();
        var shippedMiB = shipped.MemoryKiB / 1024.0;
        Console.WriteLine("| memory per hash | m | peak RSS growth | managed bytes allocated | ratio to m |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| libsodium (the app's hasher, its default) | {shippedMiB:F0} MiB | {sodium.PeakMiB:F1} MiB | {sodium.ManagedMiB:F2} MiB | {Math.Max(sodium.PeakMiB, sodium.ManagedMiB) / shippedMiB:F2} |");
        Console.WriteLine($"| Isopoh | 19 MiB | {isopoh.PeakMiB:F1} MiB | {isopoh.ManagedMiB:F1} MiB | {Math.Max(isopoh.PeakMiB, isopoh.ManagedMiB) / 19:F2} |");
        Console.WriteLine();

        await using var server = await BenchServer.StartAsync(appDir);
        var (azurite, app, http, prefix) = (server.Azurite, server.App, server.Http, server.Prefix);

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInfo()}; phases of {phase.TotalSeconds:F0} s; {DateTime.UtcNow:yyyy-MM-dd}");
        Console.WriteLine();

        // Users: one per login caller, so the per-email throttle never stands between callers.
        var users = new List<(string Email, string Key, string UserId, string TokenId)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var email = $"load{i}@example.com";
            (await http.PostAsJsonAsync("/api/auth/register", new { email, password = Password }, ct)).EnsureSuccessStatusCode();
            var login = await (await http.PostAsJsonAsync("/api/auth/login", new { email, password = Password }, ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>(ct);
            lock (users)
            {
                users.Add((email, (string)login!["token"]!["key"]!, (string)login["user"]!["id"]!, (string)login["token"]!["id"]!));
            }
        });

        // 1. Key checks against the raw floor: the same two point reads, issued together, on the same rows.
        var storage = new StorageOptions { TablePrefix = prefix };
        var tables = new AuthTables(new TableServiceClient(azurite.ConnectionString), storage);
        var me = users[0];
        Console.WriteLine("| key check | callers | floor req/s | app req/s | ratio | floor p50 / p99 ms | app p50 / p99 ms | p99 ratio | app CPU per check |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var callers in only is "" or "keys" ? new[] { 1, 16, 64 } : [])
        {
            var floor = await LoadAsync(callers, phase, async _ =>
            {
                var token = tables.Users.GetEntityAsync<TableEntity>(me.UserId, TokenEntity.RowKeyFor(me.TokenId));
                var owner = tables.Users.GetEntityAsync<TableEntity>(me.UserId, UserEntity.Row);
                await Task.WhenAll(token, owner);
                return 200;
            });
            var cpuBefore = CpuSeconds(app.Id);
            var served = await LoadAsync(callers, phase, async _ =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", me.Key);
                using var response = await http.SendAsync(request);
                return (int)response.StatusCode;
            });
            var cpuPerCheck = (CpuSeconds(app.Id) - cpuBefore) * 1000 / Math.Max(1, served.Count(200));
            Console.WriteLine($"| `GET /api/auth/me` | {callers} | {floor.PerSecond:F0} | {served.PerSecond:F0} | {served.PerSecond / floor.PerSecond:F2} " +
                $"| {floor.P50:F2} / {floor.P99:F2} | {served.P50:F2} / {served.P99:F2} | {served.P99 / floor.P99:F2} | {cpuPerCheck:F2} ms |{served.Problems}");
        }

        // 2. Logins against cores ÷ one hash, the hash timed here, now, with the shipped hasher and parameters,
        // once the machine is quiet (registration leaves verification emails for the app to send).
        var hasher = new Argon2idHasher(Options.Create(new PasswordHashingOptions()));
        var stored = hasher.Hash(Password);
        var quiet = await WaitForQuietAsync(TimeSpan.FromSeconds(60));
        var hashTimes = Enumerable.Range(0, 15).Select(_ =>
        {
            var clock = Stopwatch.StartNew();
            hasher.Verify(stored, Password);
            return clock.Elapsed.TotalMilliseconds;
        }).Order().ToList();
        var hashMs = hashTimes[hashTimes.Count / 2];
        var limit = Environment.ProcessorCount * 1000 / hashMs;
        // The same verification on every core at once, for a few seconds: what the cores can hash together.
        var together = HashesPerSecondOnAllCores(() => hasher.Verify(stored, Password), TimeSpan.FromSeconds(3));
        Console.WriteLine();
        Console.WriteLine($"One hash (verify, m={shipped.MemoryKiB} KiB, t={shipped.Iterations}, p=1, the app's hasher), timed with the machine {quiet:P0} idle: median {hashMs:F1} ms of 15, " +
            $"so the limit is {Environment.ProcessorCount} cores ÷ {hashMs:F1} ms = {limit:F1} logins/s. " +
            $"The same hash on all {Environment.ProcessorCount} cores at once: {together:F1} per s ({Environment.ProcessorCount * 1000 / together:F1} ms each), {together / limit:F2} × that limit.");
        Console.WriteLine();
        Console.WriteLine("| login | callers | logins/s | ratio to limit | ratio to all-core hashing | p50 / p99 ms | 429 | 5xx | app CPU per login | load client | Azurite and the rest | idle |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var rssBefore = Rss(app.Id, "VmRSS");
        // "passkeys" measures the password logins too: the two are compared within one run.
        foreach (var callers in only is "" or "logins" or "passkeys" ? new[] { 2, 8, 32, 200 } : [])
        {
            var cpuBefore = CpuSeconds(app.Id);
            var clientBefore = CpuSeconds(Environment.ProcessId);
            var machineBefore = MachineCpu();
            var result = await LoadAsync(callers, phase, async caller =>
            {
                var user = users[caller % users.Count];
                using var response = await http.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = Password });
                return (int)response.StatusCode;
            });
            var machine = MachineCpu();
            var logins = Math.Max(1, result.Count(200));
            var appCpu = CpuSeconds(app.Id) - cpuBefore;
            var clientCpu = CpuSeconds(Environment.ProcessId) - clientBefore;
            var busy = machine.Busy - machineBefore.Busy;
            var idle = machine.Idle - machineBefore.Idle;
            Console.WriteLine($"| `POST /api/auth/login` | {callers} | {result.PerSecond:F1} | {result.PerSecond / limit:F2} | {result.PerSecond / together:F2} | {result.P50:F0} / {result.P99:F0} | {result.Count(429)} | {result.ServerErrors} " +
                $"| {appCpu * 1000 / logins:F1} ms | {clientCpu * 1000 / logins:F1} ms | {(busy - appCpu - clientCpu) * 1000 / logins:F1} ms | {idle / (busy + idle):P0} |");
        }

        // The 200-caller phase was the last: the peak since start-up includes it.
        Console.WriteLine();
        Console.WriteLine($"App RSS: {rssBefore / 1024:F0} MB before the logins, peak {Rss(app.Id, "VmHWM") / 1024:F0} MB (VmHWM, after 200 concurrent logins).");
        // 3. Passkey sign-ins: begin and finish, one passkey per caller (a passkey's counter is checked
        // and moved in one guarded write, so one passkey signs in once at a time). No hash: storage-bound.
        if (only is "" or "passkeys")
        {
            await PasskeysAsync(http, users, phase);
        }

        await app.TerminateAsync(TimeSpan.FromSeconds(10));

        // 4. The purge against Azurite's raw batched delete of the same number of rows in the same layout.
        Console.WriteLine();
        if (only is "" or "purge")
        {
            await PurgeAsync(azurite.ConnectionString);
        }
        return 0;
    }

    private static async Task PasskeysAsync(HttpClient http, List<(string Email, string Key, string UserId, string TokenId)> users, TimeSpan phase)
    {
        var authenticators = new SoftAuthenticator[users.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, users.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            authenticators[i] = new SoftAuthenticator();
            using var begin = new HttpRequestMessage(HttpMethod.Post, "/api/auth/passkeys/register/options") { Content = JsonContent.Create(new { label = "bench" }) };
            begin.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", users[i].Key);
            var options = await (await http.SendAsync(begin, ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>(ct);
            using var finish = new HttpRequestMessage(HttpMethod.Post, "/api/auth/passkeys/register")
            {
                Content = JsonContent.Create(new { ceremony = (string)options!["ceremony"]!, credential = authenticators[i].Create(options["options"]!) }),
            };
            finish.Headers.Authorization = begin.Headers.Authorization;
            (await http.SendAsync(finish, ct)).EnsureSuccessStatusCode();
        });

        Console.WriteLine();
        Console.WriteLine("| passkey sign-in (begin + finish) | callers | sign-ins/s | p50 / p99 ms | 429 | 5xx |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var callers in new[] { 2, 8, 32 })
        {
            var result = await LoadAsync(callers, phase, async caller =>
            {
                var authenticator = authenticators[caller % authenticators.Length];
                using var begun = await http.PostAsJsonAsync("/api/auth/passkeys/login/options", new { });
                if (!begun.IsSuccessStatusCode)
                {
                    return (int)begun.StatusCode;
                }

                var options = await begun.Content.ReadFromJsonAsync<JsonNode>();
                using var finished = await http.PostAsJsonAsync("/api/auth/passkeys/login", new { ceremony = (string)options!["ceremony"]!, credential = authenticator.Get(options["options"]!) });
                return (int)finished.StatusCode;
            });
            Console.WriteLine($"| `POST /api/auth/passkeys/login/options` + `/login` | {callers} | {result.PerSecond:F1} | {result.P50:F0} / {result.P99:F0} | {result.Count(429)} | {result.ServerErrors} |{result.Problems}");
        }

        foreach (var authenticator in authenticators)
        {
            authenticator.Dispose();
        }
    }

    private static async Task PurgeAsync(string connectionString)
    {
        const int Users = 100, KeysPerUser = 20;
        var storage = new StorageOptions { TablePrefix = "p" + Guid.NewGuid().ToString("N")[..12] };
        var clients = StorageClients.Create(new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", connectionString)]).Build(), storage);
        var tables = new AuthTables(clients.Tables, storage);
        foreach (var table in tables.All)
        {
            await table.CreateIfNotExistsAsync();
        }

        var clock = new ManualClock(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var expiry = new ExpiryIndex(tables);
        var securityEvents = new Auth.Functions.Events.SecurityEvents(tables, expiry, clock, Options.Create(new Auth.Functions.Events.SecurityEventOptions()), [], Microsoft.Extensions.Logging.Abstractions.NullLogger<Auth.Functions.Events.SecurityEvents>.Instance);
        var tokens = new TokenStore(tables, expiry, securityEvents, clock);
        var purge = PurgeParts.Create(tables, clients.Queues, storage, expiry, securityEvents, clock);
        var owners = Enumerable.Range(0, Users).Select(_ => new UserEntity { PartitionKey = Keys.NewId() }).ToList();

        // Twice: the first run is this process's first purge (its code still to be compiled), the
        // second is measured warm, as the floor is (its code has just inserted the rows).
        var runs = new List<(double PerSecond, PurgeResult Result)>();
        for (var run = 0; run < 2; run++)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Users * KeysPerUser), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                await tokens.CreateApiKeyAsync(owners[i % Users], "expiring", clock.GetUtcNow().AddMinutes(30), ct));
            clock.Advance(TimeSpan.FromHours(2));

            var purgeClock = Stopwatch.StartNew();
            var result = await purge.RunAsync(CancellationToken.None);
            runs.Add((result.ApiKeys / purgeClock.Elapsed.TotalSeconds, result));
            if (result.ApiKeys != Users * KeysPerUser)
            {
                throw new InvalidOperationException($"The purge deleted {result.ApiKeys} keys, not {Users * KeysPerUser}.");
            }
        }

        var (purged, measured) = runs[1];
        // The floor: the same number of rows, in the same partitions, deleted in one transaction per
        // partition, as many partitions at once as the purge uses.
        var raw = tables.Users;
        var rows = owners.SelectMany(o => Enumerable.Range(0, KeysPerUser).Select(_ => new TableEntity(o.PartitionKey, "raw-" + Keys.NewId()))).ToList();
        var floor = await RawDeleteAsync(raw, rows, TableBatch.MaxConcurrentRequests);
        var sequential = await RawDeleteAsync(raw, rows, 1);

        Console.WriteLine("| purge | rows | floor: batches 16 at once, deletes/s | ratio | floor: one batch at a time, deletes/s | ratio | purge deletes/s | the process's first purge, deletes/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {Users * KeysPerUser} expired API keys of {Users} users | {rows.Count} | {floor:F0} | {purged / floor:F2} | {sequential:F0} | {purged / sequential:F2} | {purged:F0} | {runs[0].PerSecond:F0} |");
        Console.WriteLine($"(The purge also read {measured.IndexRowsRead} index rows and deleted them: the floor deletes only the keys.)");
    }

    /// <summary>Inserts the rows, then deletes them in one transaction per partition, so many at once: deletes per second.</summary>
    private static async Task<double> RawDeleteAsync(TableClient table, List<TableEntity> rows, int concurrency)
    {
        var partitions = rows.GroupBy(r => r.PartitionKey).ToList();
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (g, ct) =>
            await table.SubmitTransactionAsync(g.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), ct));
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (g, ct) =>
            await table.SubmitTransactionAsync(g.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), ct));
        return rows.Count / clock.Elapsed.TotalSeconds;
    }

    internal sealed record LoadResult(double PerSecond, double P50, double P99, Dictionary<int, int> Statuses)
    {
        public int Count(int status) => Statuses.GetValueOrDefault(status);

        public int ServerErrors => Statuses.Where(s => s.Key >= 500).Sum(s => s.Value);

        public string Problems => Statuses.Keys.Any(k => k != 200)
            ? " other answers: " + string.Join(", ", Statuses.Where(s => s.Key != 200).Select(s => $"{s.Key}×{s.Value}"))
            : "";
    }

    /// <summary>Calls from <paramref name="callers"/> loops for <paramref name="duration"/>: answers of 200 per second, and latencies.</summary>
    internal static async Task<LoadResult> LoadAsync(int callers, TimeSpan duration, Func<int, Task<int>> call)
    {
        var latencies = new List<double>[callers];
        var statuses = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var mine = latencies[caller] = [];
            while (clock.Elapsed < duration)
            {
                var started = clock.Elapsed;
                int status;
                try
                {
                    status = await call(caller);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or RequestFailedException)
                {
                    status = 599;
                }

                mine.Add((clock.Elapsed - started).TotalMilliseconds);
                lock (statuses)
                {
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        return new LoadResult(statuses.GetValueOrDefault(200) / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), statuses);
    }

    /// <summary>
    /// One hash's memory: how far the process's peak RSS rises above its RSS just before (the peak is
    /// reset first through /proc/self/clear_refs), and the managed bytes it allocated.
    /// </summary>
    private static (double PeakMiB, double ManagedMiB) MemoryPerHash(Action hash)
    {
        hash(); // code and runtime warm
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var pid = Environment.ProcessId;
        var before = Rss(pid, "VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5");
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        hash();
        var managed = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return ((Rss(pid, "VmHWM") - before) / 1024, managed / 1024.0 / 1024);
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    /// <summary>User + system CPU time of a process so far (/proc/{pid}/stat), in seconds.</summary>
    private static double CpuSeconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the name: state is field 3, utime field 14 and stime field 15 (1-based in proc(5)).
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Waits until a whole second passes with the machine at least 90 % idle (or the limit runs out): the idle share seen last.</summary>
    private static async Task<double> WaitForQuietAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var before = MachineCpu();
            await Task.Delay(TimeSpan.FromSeconds(1));
            var after = MachineCpu();
            var idle = (after.Idle - before.Idle) / Math.Max(0.01, after.Idle - before.Idle + after.Busy - before.Busy);
            if (idle >= 0.9 || clock.Elapsed > limit)
            {
                return idle;
            }
        }
    }

    /// <summary>Runs <paramref name="hash"/> on one thread per core for <paramref name="duration"/>: hashes per second, all threads together.</summary>
    private static double HashesPerSecondOnAllCores(Action hash, TimeSpan duration)
    {
        var done = 0;
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            while (clock.Elapsed < duration)
            {
                hash();
                Interlocked.Increment(ref done);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The whole machine's busy and idle CPU time so far, over all cores (/proc/stat), in seconds.</summary>
    private static (double Busy, double Idle) MachineCpu()
    {
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        var idle = ticks[3] + ticks[4];
        var busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7];
        return (busy / 100.0, idle / 100.0);
    }

    /// <summary>A field of /proc/{pid}/status, in KiB.</summary>
    private static double Rss(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture)).Single();

    private static string RuntimeInfo() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
}
