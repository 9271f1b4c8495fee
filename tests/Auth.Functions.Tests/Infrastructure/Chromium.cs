using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MimeKit;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>Debian's Chromium, driven by Playwright offline (no browser download), and the links people open in it.</summary>
public static partial class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>A headless browser; disposing it closes the browser and Playwright's driver.</summary>
    public sealed class Session(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public IBrowser Browser => browser;

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    public static async Task<Session> LaunchAsync()
    {
        Assert.True(File.Exists(ExecutablePath), "Chromium is missing: ./test.sh installs it (apt-get install chromium).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        return new Session(playwright, browser);
    }

    /// <summary>
    /// Gives <paramref name="page"/> a virtual platform authenticator through the DevTools protocol
    /// (<c>WebAuthn.addVirtualAuthenticator</c>): ctap2 over the internal transport, keeping discoverable
    /// credentials and verifying the user at once, as a phone or laptop with a fingerprint reader does.
    /// </summary>
    public static async Task AddVirtualAuthenticatorAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
    }

    /// <summary>
    /// The link to <paramref name="page"/> (<c>reset-password</c> or <c>verify-email</c>) in the
    /// <paramref name="count"/>-th email of the pickup folder that has one, oldest first; the folder
    /// also holds notifications and the other kind of link.
    /// </summary>
    public static async Task<string> ReadLinkFromPickupFolderAsync(string folder, string page, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var links = new List<(DateTimeOffset Date, string Link)>();
            foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : [])
            {
                var message = await MimeMessage.LoadAsync(file);
                if (LinkPattern().Match(message.TextBody ?? "") is { Success: true } link && link.Groups["page"].Value == page)
                {
                    links.Add((File.GetLastWriteTimeUtc(file), link.Value));
                }
            }

            if (links.Count >= count)
            {
                return links.OrderBy(l => l.Date).ElementAt(count - 1).Link;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No email number {count} linking to {page} appeared in {folder}.");
    }

    [GeneratedRegex(@"http://\S+/(?<page>reset-password|verify-email)#token=\S+")]
    private static partial Regex LinkPattern();
}
