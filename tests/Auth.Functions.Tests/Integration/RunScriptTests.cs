using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>The newcomer's first command: ./run.sh serves the API and leaves nothing running when interrupted.</summary>
public sealed class RunScriptTests
{
    [Fact]
    public async Task RunShServesTheApiAndCtrlCStopsTheAppAndAzurite()
    {
        if (PortOpen(10002) || PortOpen(10001))
        {
            Assert.Fail("Azurite's default ports are taken on this machine; run.sh would reuse that storage instead of starting its own.");
        }

        var port = LocalProcess.FreePort();
        // As from a terminal: SIGINT at its default. A test run started in the background (CI, nohup)
        // inherits SIGINT ignored, and bash cannot trap a signal that was ignored when it started.
        await using var run = LocalProcess.Start("env", ["--default-signal=INT", "bash", Path.Combine(RepoPaths.Root, "run.sh")], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["AzureWebJobsStorage"] = null,
        });

        await LocalProcess.WaitForPortAsync(port, TimeSpan.FromMinutes(3), () => run.Output);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitForHealthAsync(http);
        Assert.Contains("Mail is written to", run.Output, StringComparison.Ordinal);

        // What Ctrl-C does to the script.
        using (var interrupt = Process.Start("kill", ["-INT", run.Id.ToString()]))
        {
            await interrupt.WaitForExitAsync();
        }

        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(30)),
            $"run.sh did not stop on Ctrl-C (app port open: {PortOpen(port)}, Azurite port open: {PortOpen(10002)}). Its output:\n{run.Output}");
        await Task.Delay(500);
        Assert.False(PortOpen(port), "the app still listens");
        Assert.False(PortOpen(10002), "Azurite still listens");
    }

    private static async Task WaitForHealthAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var response = await http.GetAsync("/api/health");
                if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
                {
                    await response.ShouldBe(HttpStatusCode.OK);
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(200);
        }
    }

    private static bool PortOpen(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
