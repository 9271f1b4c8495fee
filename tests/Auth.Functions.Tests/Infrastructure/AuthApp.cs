using Auth.Functions.Email;
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

    private readonly IEmailSender? _emailSender;

    /// <summary>Replacements a test makes in the app's container (a stand-in's client), after the app's own.</summary>
    private Action<IServiceCollection>? _services;

    private AuthApp(string connectionString, FakeTimeProvider? clock, Dictionary<string, string?> settings, IEmailSender? emailSender)
    {
        _connectionString = connectionString;
        Clock = clock;
        _settings = settings;
        _emailSender = emailSender;
    }

    public string TablePrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..16];

    public string QueuePrefix => TablePrefix.ToLowerInvariant() + "-";

    public const string PublicBaseUrl = "https://auth.test.example";

    /// <summary>The mail folder of the pickup sender (used when no sender is swapped in).</summary>
    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "auth-mail-" + Guid.NewGuid().ToString("N"));

    /// <summary>The capturing sender, unless the test asked for the configured provider or its own sender.</summary>
    public CapturingEmailSender Mail => (CapturingEmailSender)Services.GetRequiredService<IEmailSender>();

    /// <summary>The local key file that encrypts second-factor secrets (made by the app on start).</summary>
    public string SecretKeyFile { get; } = Path.Combine(Path.GetTempPath(), "auth-keys-" + Guid.NewGuid().ToString("N"), "secret-keys");

    public FakeTimeProvider? Clock { get; }

    public LogCapture Logs { get; } = new();

    /// <summary>Sees every storage request of this app; pauses or fails chosen ones.</summary>
    public StorageProbe Storage { get; } = new();

    public CountingHasher Hasher => (CountingHasher)Services.GetRequiredService<IPasswordHasher>();

    public AuthTables Tables => Services.GetRequiredService<AuthTables>();

    /// <param name="emailSender">Null: a <see cref="CapturingEmailSender"/>; <see cref="ConfiguredSender"/>: the one Email__Provider names.</param>
    /// <param name="kestrelPort">Serve on a real socket (for a browser) instead of the in-memory test server.</param>
    public static async Task<AuthApp> StartAsync(
        FakeTimeProvider? clock = null,
        IDictionary<string, string?>? settings = null,
        string? connectionString = null,
        IEmailSender? emailSender = null,
        int? kestrelPort = null,
        Action<IServiceCollection>? services = null)
    {
        connectionString ??= (await Azurite.Shared).ConnectionString;
        var all = new Dictionary<string, string?>
        {
            ["RateLimits:RegisterPerMinute"] = "100000",
            ["RateLimits:LoginPerMinute"] = "100000",
            ["RateLimits:ForgotPasswordPerMinute"] = "100000",
            ["RateLimits:ResendVerificationPerMinute"] = "100000",
            // Most tests log in straight after registering; the verification tests turn this back on
            // (true is the service's default, which they also check).
            ["Accounts:RequireVerifiedEmail"] = "false",
            ["PublicBaseUrl"] = kestrelPort is int p ? $"http://127.0.0.1:{p}" : PublicBaseUrl,
            ["Queues:MaxPollingInterval"] = "00:00:00.200",
            ["Queues:VisibilityTimeout"] = "00:00:00.100",
            ["Email:Provider"] = "pickup",
            // Notifications go out at once (their event's write is awaited before the test looks).
            ["Notifications:SendAfter"] = "00:00:00",
            // The standalone purge timer would fire whenever a test moves the fake clock past an
            // hour; purge tests run it explicitly instead. (Once a year, on 1 January.)
            ["PurgeSchedule"] = "0 0 0 1 1 *",
        };
        // A null value unsets the key: the service's own default applies.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                all.Remove(key);
            }
            else
            {
                all[key] = value;
            }
        }

        var app = new AuthApp(connectionString, clock, all, emailSender ?? new CapturingEmailSender()) { _services = services };
        if (kestrelPort is int port)
        {
            // Listen() rather than UseKestrel(port): the port overload edits the server's addresses
            // after the app may have started Kestrel, a known race in WebApplicationFactory
            // (dotnet/aspnetcore#67714) that failed a browser test here once.
            app.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
            app.StartServer();
        }
        else
        {
            _ = app.Server; // Build and start the host now.
        }

        return app;
    }

    public Api Api(string? key = null) => new(CreateClient(), key);

    /// <summary>
    /// Waits until every queue of the app is empty, so no background work (a registration's
    /// verification email, a notification) touches storage while a test counts storage requests.
    /// A queue's count includes messages being handled: one leaves only once its handler is done.
    /// </summary>
    public async Task QuietAsync()
    {
        await Services.GetRequiredService<Auth.Functions.Storage.StorageInitializer>().EnsureReadyAsync(CancellationToken.None);
        var queues = Services.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>();
        var names = Services.GetServices<Auth.Functions.Storage.IQueueDeclaration>()
            .SelectMany(d => d.QueueNames)
            .Where(n => !n.EndsWith(Auth.Functions.Storage.IQueueDeclaration.PoisonSuffix, StringComparison.Ordinal))
            .ToList();
        async Task<bool> EmptyAsync()
        {
            foreach (var name in names)
            {
                if ((await queues.GetQueueClient(name).GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
                {
                    return false;
                }
            }

            return true;
        }

        Assert.True(await Eventually.TrueAsync(EmptyAsync), "the app's queues did not empty");
    }

    /// <summary>The user's row as stored now.</summary>
    public async Task<UserEntity> UserAsync(string userId) =>
        await Services.GetRequiredService<Auth.Functions.Users.UserStore>().GetAsync(userId, CancellationToken.None)
            ?? throw new InvalidOperationException($"No user {userId}.");

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
        builder.UseSetting("Storage:QueuePrefix", QueuePrefix);
        builder.UseSetting("Email:PickupDirectory", MailDirectory);
        if (!_settings.ContainsKey("SecretKeys:VaultUri"))
        {
            builder.UseSetting("SecretKeys:File", SecretKeyFile);
        }
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

            if (_emailSender is not ConfiguredSenderMarker)
            {
                services.AddSingleton(_emailSender!);
            }

            services.AddSingleton<IPasswordHasher>(sp =>
                new CountingHasher(new Argon2idHasher(sp.GetRequiredService<IOptions<PasswordHashingOptions>>())));
            services.AddSingleton(new StoragePipelinePolicy(Storage, Azure.Core.HttpPipelinePosition.PerRetry));
            _services?.Invoke(services);
        });
    }

    /// <summary>Pass as emailSender to keep the sender that Email__Provider configures.</summary>
    public static IEmailSender ConfiguredSender { get; } = new ConfiguredSenderMarker();

    private sealed class ConfiguredSenderMarker : IEmailSender
    {
        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken) => throw new NotSupportedException();
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

    public bool IsUsable(string? encodedHash) => inner.IsUsable(encodedHash);

    /// <summary>The stored hashes verified, in order (the dummy's included).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Verified { get; } = new();

    public PasswordVerification Verify(string encodedHash, string password)
    {
        Interlocked.Increment(ref _verifications);
        Verified.Enqueue(encodedHash);
        var result = inner.Verify(encodedHash, password);
        if (Interlocked.Exchange(ref _pauseAfterVerify, null) is { } gate)
        {
            // Between the password check and whatever the caller does next (mint a key, write the row).
            gate.Arrive();
            gate.Released.Wait(TimeSpan.FromSeconds(60));
        }

        return result;
    }

    private Gate? _pauseAfterVerify;

    /// <summary>Holds the next verification, once it has its answer, until the gate is released.</summary>
    public Gate PauseAfterNextVerification()
    {
        var gate = new Gate();
        Volatile.Write(ref _pauseAfterVerify, gate);
        return gate;
    }
}
