using Microsoft.Extensions.Configuration;
using Auth.Functions.Purge;
using Auth.Functions.Storage;
using Auth.Functions.Tests.Infrastructure;
using Auth.Functions.Tokens;
using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Bench;

/// <summary>
/// The purge against a real Azurite: the same 100 expired keys among 0, 2,000 or 10,000 live ones.
/// If the purge scanned the store its time would grow with Stored; with the expiry index it must not.
/// The naive alternative (a filtered scan of the token table) runs beside it for the contrast.
/// </summary>
[SimpleJob(warmupCount: 1, iterationCount: 10, invocationCount: 1)]
public class PurgeScalingBenchmarks
{
    private const int Expired = 100;

    private Azurite _azurite = null!;
    private AuthTables _tables = null!;
    private TokenStore _tokens = null!;
    private PurgeService _purge = null!;
    private ManualClock _clock = null!;

    [Params(0, 2_000, 10_000)]
    public int Stored { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _azurite = await Azurite.StartAsync(persistent: false);
        var storage = new StorageOptions { TablePrefix = "b" + Guid.NewGuid().ToString("N")[..10] };
        var clients = StorageClients.Create(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection([new("AzureWebJobsStorage", _azurite.ConnectionString)]).Build(), storage);
        _tables = new AuthTables(clients.Tables, storage);
        foreach (var table in _tables.All)
        {
            await table.CreateIfNotExistsAsync();
        }

        _clock = new ManualClock(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var expiry = new ExpiryIndex(_tables);
        var securityEvents = new Auth.Functions.Events.SecurityEvents(_tables, expiry, _clock, Options.Create(new Auth.Functions.Events.SecurityEventOptions()), [], Microsoft.Extensions.Logging.Abstractions.NullLogger<Auth.Functions.Events.SecurityEvents>.Instance);
        _tokens = new TokenStore(_tables, expiry, securityEvents, _clock);
        _purge = PurgeParts.Create(_tables, clients.Queues, storage, expiry, securityEvents, _clock);

        // Live keys, permanent, spread over 100 users, written in batches.
        var userIds = Enumerable.Range(0, 100).Select(_ => Keys.NewId()).ToArray();
        var rows = Enumerable.Range(0, Stored).Select(i => new TokenEntity
        {
            PartitionKey = userIds[i % userIds.Length],
            RowKey = TokenEntity.RowKeyFor(Keys.NewId()),
            Type = "api",
            KeyHash = new byte[32],
            Created = _clock.GetUtcNow(),
        });
        foreach (var batch in rows.GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(100)))
        {
            await _tables.Users.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
        }
    }

    [IterationSetup]
    public void MakeExpired()
    {
        var now = _clock.GetUtcNow();
        Parallel.For(0, Expired, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            _tokens.CreateApiKeyAsync(new UserEntity { PartitionKey = Keys.NewId() }, "expiring", now.AddMinutes(30), CancellationToken.None).GetAwaiter().GetResult());
        _clock.Advance(TimeSpan.FromHours(1));
    }

    [Benchmark(Description = "purge 100 expired keys")]
    public async Task<int> PurgeAsync()
    {
        var result = await _purge.RunAsync(CancellationToken.None);
        return result.ApiKeys != Expired ? throw new InvalidOperationException($"purged {result.ApiKeys}, expected {Expired}") : result.IndexRowsRead;
    }

    [Benchmark(Description = "naive: scan the token table for expired rows")]
    public async Task<int> NaiveScanAsync()
    {
        var filter = TableClient.CreateQueryFilter($"Expires le {_clock.GetUtcNow()}");
        var expired = 0;
        await foreach (var _ in _tables.Users.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"]))
        {
            expired++;
        }

        return expired;
    }

    [GlobalCleanup]
    public Task CleanupAsync() => _azurite.DisposeAsync().AsTask();
}
