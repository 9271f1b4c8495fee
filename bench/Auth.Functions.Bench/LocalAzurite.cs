using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Auth.Functions.Bench;

/// <summary>Azurite from the repository's node_modules, in memory, on free loopback ports.</summary>
public sealed class LocalAzurite : IAsyncDisposable
{
    private readonly Process _process;

    private LocalAzurite(Process process, int tablePort, int queuePort)
    {
        _process = process;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<LocalAzurite> StartAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Auth.Functions.sln")))
        {
            root = root.Parent;
        }

        var azurite = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Run from the repository."), "node_modules", ".bin", "azurite");
        int table = FreePort(), queue = FreePort(), blob = FreePort();
        var info = new ProcessStartInfo(azurite) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--inMemoryPersistence",
                     "--tablePort", table.ToString(), "--queuePort", queue.ToString(), "--blobPort", blob.ToString() })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, table);
                return new LocalAzurite(process, table, queue);
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("Azurite did not start.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
