using Auth.Functions.Passwords;
using Auth.Functions.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>
/// A fresh app per test over a real Azurite, with its own tables (unique prefix), so tests run in
/// parallel without sharing data. Optional fake clock; every hash is counted; every log line kept.
/// </summary>
public sealed class AuthApp : WebApplicationFactory<Program>
{
    private readonly string _connectionString;
    private readonly Dictionary<string, string?> _settings;

    private AuthApp(string connectionString, FakeTimeProvider? clock, Dictionary<string, string?> settings)
    {
        _connectionString = connectionString;
        Clock = clock;
        _settings = settings;
    }

    public string TablePrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..16];

    public FakeTimeProvider? Clock { get; }

    public LogCapture Logs { get; } = new();

    public CountingHasher Hasher => (CountingHasher)Services.GetRequiredService<IPasswordHasher>();

    public AuthTables Tables => Services.GetRequiredService<AuthTables>();

    public static async Task<AuthApp> StartAsync(
        FakeTimeProvider? clock = null,
        IDictionary<string, string?>? settings = null,
        string? connectionString = null)
    {
        connectionString ??= (await Azurite.Shared).ConnectionString;
        var all = new Dictionary<string, string?>
        {
            ["RateLimits:RegisterPerMinute"] = "100000",
            ["RateLimits:ForgotPasswordPerMinute"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new AuthApp(connectionString, clock, all);
        _ = app.Server; // Build and start the host now.
        return app;
    }

    public Api Api(string? key = null) => new(CreateClient(), key);

    /// <summary>The hash count once the start-up dummy hash exists, so a test can assert "no further hash".</summary>
    public int HashesAfterWarmUp()
    {
        Services.GetRequiredService<PasswordService>().WarmUp();
        return Hasher.Hashes;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("AzureWebJobsStorage", _connectionString);
        builder.UseSetting("Storage:TablePrefix", TablePrefix);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        builder.ConfigureTestServices(services =>
        {
            if (Clock is not null)
            {
                services.AddSingleton<TimeProvider>(Clock);
            }

            services.AddSingleton<IPasswordHasher>(sp =>
                new CountingHasher(new Argon2idHasher(sp.GetRequiredService<IOptions<PasswordHashingOptions>>())));
        });
    }

    /// <summary>A fake clock at a fixed, realistic instant.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
}

/// <summary>The real hasher, counting its calls (to prove that refused input costs no hash).</summary>
public sealed class CountingHasher(IPasswordHasher inner) : IPasswordHasher
{
    private int _hashes;
    private int _verifications;

    public int Hashes => Volatile.Read(ref _hashes);

    public int Verifications => Volatile.Read(ref _verifications);

    public string Hash(string password)
    {
        Interlocked.Increment(ref _hashes);
        return inner.Hash(password);
    }

    public PasswordVerification Verify(string encodedHash, string password)
    {
        Interlocked.Increment(ref _verifications);
        return inner.Verify(encodedHash, password);
    }
}
