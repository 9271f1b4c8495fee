namespace Auth.Functions.Tests.Infrastructure;

/// <summary>
/// A real Azurite (from the repository's pinned npm lockfile) on free ports. One in-memory instance is
/// shared by the whole run (tests isolate themselves with unique table prefixes); tests that stop
/// storage start their own, persisted on disk so a restart keeps the data.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly Lazy<Task<Azurite>> SharedInstance = new(() => StartAsync(persistent: false));

    private readonly string? _location;
    private readonly bool _persistent;
    private LocalProcess? _process;

    private Azurite(int blobPort, int queuePort, int tablePort, bool persistent)
    {
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        _persistent = persistent;
        _location = persistent ? Directory.CreateTempSubdirectory("azurite-").FullName : null;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static Task<Azurite> Shared => SharedInstance.Value;

    public static async Task<Azurite> StartAsync(bool persistent)
    {
        var azurite = new Azurite(LocalProcess.FreePort(), LocalProcess.FreePort(), LocalProcess.FreePort(), persistent);
        await azurite.StartProcessAsync();
        if (!persistent)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.StopAsync().GetAwaiter().GetResult();
        }

        return azurite;
    }

    /// <summary>
    /// Takes storage away. Azurite (unlike Azure) saves its tables to disk lazily, every few seconds,
    /// so a persistent instance is stopped with SIGTERM to keep its data across the restart.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (_persistent)
        {
            await _process.TerminateAsync(TimeSpan.FromSeconds(15));
        }
        else
        {
            await _process.StopAsync();
        }
    }

    /// <summary>Storage hangs: the process is stopped (SIGSTOP), its ports stay open, nothing answers.</summary>
    public Task PauseAsync() => _process!.PauseAsync();

    /// <summary>Storage answers again, with everything it held.</summary>
    public Task ResumeAsync() => _process!.ResumeAsync();

    /// <summary>Starts again on the same ports (and, when persistent, with the same data).</summary>
    public Task RestartAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        var executable = RepoPaths.NodeBin("azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException("Azurite is not installed: run ./test.sh (or npm ci) at the repository root.");
        }

        string[] arguments =
        [
            "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
            .. _persistent ? ["--location", _location!] : new[] { "--inMemoryPersistence" },
        ];
        _process = LocalProcess.Start(executable, arguments);
        var process = _process;
        await LocalProcess.WaitForPortAsync(TablePort, TimeSpan.FromSeconds(60), () => process.Output);
        await LocalProcess.WaitForPortAsync(QueuePort, TimeSpan.FromSeconds(60), () => process.Output);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_location is not null)
        {
            try
            {
                Directory.Delete(_location, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
