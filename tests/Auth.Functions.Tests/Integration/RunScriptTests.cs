using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>The newcomer's first command: ./run.sh serves the API and leaves nothing running when interrupted.</summary>
public sealed class RunScriptTests
{
    [Fact]
    public async Task RunShServesTheApiAndItsPasskeyPageAndCtrlCStopsTheAppAndAzurite()
    {
        if (PortOpen(10002) || PortOpen(10001))
        {
            Assert.Fail("Azurite's default ports are taken on this machine; run.sh would reuse that storage instead of starting its own.");
        }

        var port = LocalProcess.FreePort();
        // Served as a newcomer opens it (localhost), on a free port instead of 7071; run.sh takes the
        // passkey origin from PublicBaseUrl. Mail goes to a folder of this test.
        var origin = $"http://localhost:{port}";
        var mail = Directory.CreateTempSubdirectory("run-sh-mail").FullName;
        // As from a terminal: SIGINT at its default. A test run started in the background (CI, nohup)
        // inherits SIGINT ignored, and bash cannot trap a signal that was ignored when it started.
        await using var run = LocalProcess.Start("env", ["--default-signal=INT", "bash", Path.Combine(RepoPaths.Root, "run.sh")], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = origin,
            ["PublicBaseUrl"] = origin,
            ["Email__PickupDirectory"] = mail,
            ["AzureWebJobsStorage"] = null,
        });

        await LocalProcess.WaitForPortAsync(port, TimeSpan.FromMinutes(3), () => run.Output);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitForHealthAsync(http);
        Assert.Contains("Mail is written to", run.Output, StringComparison.Ordinal);

        // A newcomer registers, opens the verification link, and on /passkeys adds a passkey and signs
        // in with it, in Chromium with a virtual authenticator.
        var api = new Api(http, null);
        var email = $"newcomer-{Guid.NewGuid():N}@example.com";
        const string password = "a perfectly fine passphrase";
        await api.RegisterAsync(email, password);
        await using (var chromium = await Chromium.LaunchAsync())
        {
            var verify = await chromium.Browser.NewPageAsync();
            await verify.GotoAsync(await Chromium.ReadLinkFromPickupFolderAsync(mail, "verify-email"));
            await verify.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Verify my email address" }).ClickAsync();
            await verify.GetByRole(Microsoft.Playwright.AriaRole.Status).GetByText("Your email address is verified").WaitForAsync();
            await PasskeyBrowserTests.AddPasskeyAndSignInWithItAsync(chromium, origin, email, password);
        }

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
