using System.Net;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Auth.Functions.Tests.Integration;

/// <summary>The whole recovery flow as a person does it, in real headless Chromium (Debian's, driven by Playwright).</summary>
public sealed class ResetPageBrowserTests
{
    [Fact]
    public async Task ForgotThenTheEmailedLinkThenANewPasswordThenLoginWithIt()
    {
        var port = LocalProcess.FreePort();
        await using var app = await AuthApp.StartAsync(emailSender: AuthApp.ConfiguredSender, kestrelPort: port);
        var api = new Api(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }, null);
        var (email, oldPassword, session, _) = await api.NewUserAsync();
        var (_, apiKey) = await api.WithKey(session).CreateApiKeyAsync();

        await (await api.PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        var link = await Chromium.ReadLinkFromPickupFolderAsync(app.MailDirectory, "reset-password");
        Assert.StartsWith($"http://127.0.0.1:{port}/reset-password#token=afs_reset_", link, StringComparison.Ordinal);

        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        var resetRequests = new List<IRequest>();
        var urlsSent = new List<string>();
        page.Request += (_, request) =>
        {
            urlsSent.Add(request.Url);
            if (request.Url.EndsWith("/api/auth/password/reset", StringComparison.Ordinal))
            {
                resetRequests.Add(request);
            }
        };

        await page.GotoAsync(link);

        // The token rode in the fragment: the page's own GET never carried it to the server.
        Assert.Contains(urlsSent, u => u == $"http://127.0.0.1:{port}/reset-password");
        Assert.DoesNotContain(urlsSent, u => u.Contains("afs_reset_", StringComparison.Ordinal));
        // The token left the address bar at once.
        Assert.Equal($"http://127.0.0.1:{port}/reset-password", page.Url);
        Assert.Equal("Choose a new password", await page.TitleAsync());

        // Mismatched confirmation: caught in the page, nothing sent.
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("a brand new passphrase");
        await page.GetByLabel("Confirm new password").FillAsync("a brand new passphrasf");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await page.GetByText("The two passwords do not match.").WaitForAsync();
        Assert.Empty(resetRequests);

        // A common password: the API's reason is shown next to the field, and the token survives.
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("password123");
        await page.GetByLabel("Confirm new password").FillAsync("password123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await page.Locator("#password-error").GetByText("commonly used", new() { Exact = false }).WaitForAsync();
        Assert.Equal("true", await page.GetByLabel("New password", new() { Exact = true }).GetAttributeAsync("aria-invalid"));

        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("a brand new passphrase");
        await page.GetByLabel("Confirm new password").FillAsync("a brand new passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).GetByText("Your password has been changed").WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "reset-page-success.png") });

        // The token travelled in the POST body only, with no referrer.
        Assert.Equal(2, resetRequests.Count);
        Assert.All(resetRequests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.DoesNotContain("token", r.Url, StringComparison.Ordinal);
            Assert.Contains("afs_reset_", r.PostData, StringComparison.Ordinal);
            Assert.Equal("", r.Headers.GetValueOrDefault("referer", ""));
        });

        await api.LoginAsync(email, "a brand new passphrase");
        await (await api.PostAsync("/api/auth/login", new { email, password = oldPassword })).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        await (await api.WithKey(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.Unauthorized);
        await (await api.WithKey(apiKey).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.Unauthorized);

        // A token in the query (it would reach server logs) is not read: the link counts as incomplete,
        // and the query leaves the address bar too.
        await page.GotoAsync(link.Replace("#token=", "?token=", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Status).GetByText("This link is incomplete", new() { Exact = false }).WaitForAsync();
        Assert.False(await page.Locator("#reset-form").IsVisibleAsync());
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);

        // The same link again, in a new tab (in this one it would only change the fragment): spent.
        page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(link);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("yet another passphrase");
        await page.GetByLabel("Confirm new password").FillAsync("yet another passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).GetByText("already been used", new() { Exact = false }).WaitForAsync();
    }
}
