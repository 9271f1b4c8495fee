using System.Text.Json.Nodes;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>A real SMTP server (maildev, from the pinned npm lockfile) with its REST API, on free loopback ports.</summary>
public sealed class MailDev : IAsyncDisposable
{
    private readonly LocalProcess _process;

    private MailDev(LocalProcess process, int smtpPort, int webPort)
    {
        _process = process;
        SmtpPort = smtpPort;
        WebPort = webPort;
    }

    public const string User = "mailer";
    public const string Password = "mailer-secret";

    public int SmtpPort { get; }
    public int WebPort { get; }

    public static async Task<MailDev> StartAsync()
    {
        var smtp = LocalProcess.FreePort();
        var web = LocalProcess.FreePort();
        var process = LocalProcess.Start(RepoPaths.NodeBin("maildev"),
        [
            "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--smtp", smtp.ToString(), "--web", web.ToString(),
            "--incoming-user", User, "--incoming-pass", Password, "--silent",
        ]);
        await LocalProcess.WaitForPortAsync(smtp, TimeSpan.FromSeconds(30), () => process.Output);
        await LocalProcess.WaitForPortAsync(web, TimeSpan.FromSeconds(30), () => process.Output);
        return new MailDev(process, smtp, web);
    }

    /// <summary>Messages received so far, as maildev's REST API returns them.</summary>
    public async Task<JsonArray> MessagesAsync()
    {
        using var http = new HttpClient();
        var json = await http.GetStringAsync($"http://127.0.0.1:{WebPort}/api/email");
        return JsonNode.Parse(json)!.AsArray();
    }

    /// <summary>The first email to <paramref name="address"/> with <paramref name="subject"/>.</summary>
    public async Task<JsonNode> WaitForMessageToAsync(string address, string subject, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var match = (await MessagesAsync()).FirstOrDefault(m =>
                m!["to"]!.AsArray().Any(t => (string?)t!["address"] == address) && (string?)m["subject"] == subject);
            if (match is not null)
            {
                return match;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"maildev received no email to {address} about \"{subject}\".");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
