using System.Net;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>
/// A single-page app on another origin calling the API from real headless Chromium: the browser
/// enforces CORS, so this is where "allowed" and "blocked" are decided for real.
/// </summary>
public sealed class CorsBrowserTests
{
    // The app under test: log in, then call /api/auth/me with the session key, then read an exposed
    // header of an error answer. Its outcome lands in #result.
    private const string Page = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Some app</title></head>
        <body>
          <p id="result">running</p>
          <script>
            (async () => {
              const query = new URLSearchParams(location.search);
              const api = query.get('api');
              const result = document.getElementById('result');
              try {
                const login = await fetch(api + '/api/auth/login', {
                  method: 'POST',
                  headers: { 'Content-Type': 'application/json' },
                  body: JSON.stringify({ email: query.get('email'), password: query.get('password') }),
                });
                const session = (await login.json()).token.key;
                const me = await (await fetch(api + '/api/auth/me', { headers: { Authorization: 'Bearer ' + session } })).json();
                const refused = await fetch(api + '/api/auth/me', { headers: { Authorization: 'Bearer afs_sess_nope' } });
                result.textContent = `me=${me.user.email} status=${refused.status} challenge=${refused.headers.get('WWW-Authenticate')}`;
              } catch (e) {
                result.textContent = 'blocked: ' + e.name;
              }
            })();
          </script>
        </body>
        </html>
        """;

    [Fact]
    public async Task APageFromAnAllowedOriginLogsInAndCallsMeAndTheSamePageFromAnotherOriginIsBlocked()
    {
        var pagePort = LocalProcess.FreePort();
        var apiPort = LocalProcess.FreePort();
        // Same page, two origins: 127.0.0.1 is on the list, localhost is not.
        var allowed = $"http://127.0.0.1:{pagePort}";
        var other = $"http://localhost:{pagePort}";
        await using var app = await AuthApp.StartAsync(kestrelPort: apiPort, settings: new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = allowed });
        var api = $"http://127.0.0.1:{apiPort}";
        var client = new Api(new HttpClient { BaseAddress = new Uri(api) }, null);
        var (email, password, session, _) = await client.NewUserAsync();

        await using var site = await LocalSite.ServeAsync(pagePort, "/app.html", Page);

        await using var chromium = await Chromium.LaunchAsync();
        var query = $"?api={Uri.EscapeDataString(api)}&email={Uri.EscapeDataString(email)}&password={Uri.EscapeDataString(password)}";

        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(allowed + "/app.html" + query);
        var outcome = page.Locator("#result");
        await Microsoft.Playwright.Assertions.Expect(outcome).Not.ToHaveTextAsync("running");
        // The 401's WWW-Authenticate is readable because it is exposed.
        Assert.Equal($"me={email} status={(int)HttpStatusCode.Unauthorized} challenge=Bearer", await outcome.TextContentAsync());

        var blocked = await chromium.Browser.NewPageAsync();
        await blocked.GotoAsync(other + "/app.html" + query);
        outcome = blocked.Locator("#result");
        await Microsoft.Playwright.Assertions.Expect(outcome).Not.ToHaveTextAsync("running");
        Assert.Equal("blocked: TypeError", await outcome.TextContentAsync());

        // The blocked page's login never ran: its preflight got no CORS headers, so the browser sent
        // no POST. Two logins only: the test's own and the allowed page's.
        var events = (await (await client.WithKey(session).GetAsync("/api/auth/events")).Json())["items"]!.AsArray();
        Assert.Equal(2, events.Count(e => (string?)e!["type"] == "login_succeeded"));
    }
}
