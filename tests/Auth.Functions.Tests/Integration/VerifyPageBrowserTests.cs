using System.Net;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Auth.Functions.Tests.Integration;

/// <summary>Verifying an address as a person does it: the emailed link opened in real headless Chromium.</summary>
public sealed class VerifyPageBrowserTests
{
    [Fact]
    public async Task RegisterThenTheEmailedLinkVerifiesAndASpentLinkOffersANewOne()
    {
        var port = LocalProcess.FreePort();
        await using var app = await AuthApp.StartAsync(emailSender: AuthApp.ConfiguredSender, kestrelPort: port,
            settings: new Dictionary<string, string?> { ["Accounts:RequireVerifiedEmail"] = "true" });
        var api = new Api(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }, null);
        const string password = "a perfectly fine passphrase";
        var email = $"user-{Guid.NewGuid():N}@example.com";
        await api.RegisterAsync(email, password);
        await (await api.PostAsync("/api/auth/login", new { email, password })).ShouldBeProblem(HttpStatusCode.Forbidden, "email_not_verified");

        var link = await Chromium.ReadLinkFromPickupFolderAsync(app.MailDirectory, "verify-email");
        Assert.StartsWith($"http://127.0.0.1:{port}/verify-email#token=afs_verify_", link, StringComparison.Ordinal);

        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        var urlsSent = new List<string>();
        var verifyRequests = new List<IRequest>();
        page.Request += (_, request) =>
        {
            urlsSent.Add(request.Url);
            if (request.Url.EndsWith("/api/auth/email/verify", StringComparison.Ordinal))
            {
                verifyRequests.Add(request);
            }
        };

        // Opening the link spends nothing (a mail scanner runs the page's script too): a person presses the button.
        await page.GotoAsync(link);
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Verify my email address" });
        await button.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Empty(verifyRequests);
        await (await api.PostAsync("/api/auth/login", new { email, password })).ShouldBeProblem(HttpStatusCode.Forbidden, "email_not_verified");
        await button.ClickAsync();
        await page.GetByRole(AriaRole.Status).GetByText("Your email address is verified").WaitForAsync();
        Assert.Equal("Verify your email address", await page.TitleAsync());

        // The token rode in the fragment, left the address bar at once, and travelled in a POST body only, with no referrer.
        Assert.Contains(urlsSent, u => u == $"http://127.0.0.1:{port}/verify-email");
        Assert.DoesNotContain(urlsSent, u => u.Contains("afs_verify_", StringComparison.Ordinal));
        Assert.Equal($"http://127.0.0.1:{port}/verify-email", page.Url);
        var posted = Assert.Single(verifyRequests);
        Assert.Equal("POST", posted.Method);
        Assert.Contains("afs_verify_", posted.PostData, StringComparison.Ordinal);
        Assert.Equal("", posted.Headers.GetValueOrDefault("referer", ""));
        Assert.False(await page.Locator("#resend-form").IsVisibleAsync());
        await api.LoginAsync(email, password);

        // The same link again, in a new tab (in this one it would only change the fragment): spent.
        // The page says so and offers a new link, which the form asks for.
        page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify my email address" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).GetByText("already used", new() { Exact = false }).WaitForAsync();
        await page.GetByLabel("Your email address").FillAsync("not an address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a new link" }).ClickAsync();
        await page.GetByText("Enter the email address of your account.").WaitForAsync();
        Assert.Equal("true", await page.GetByLabel("Your email address").GetAttributeAsync("aria-invalid"));
        await page.GetByLabel("Your email address").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a new link" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).GetByText("If an unverified account exists", new() { Exact = false }).WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "verify-page-resent.png") });

        // A link with no token at all: told so, with the form.
        await page.GotoAsync($"http://127.0.0.1:{port}/verify-email");
        await page.GetByRole(AriaRole.Status).GetByText("This link is incomplete", new() { Exact = false }).WaitForAsync();
        Assert.True(await page.Locator("#resend-form").IsVisibleAsync());
    }
}
