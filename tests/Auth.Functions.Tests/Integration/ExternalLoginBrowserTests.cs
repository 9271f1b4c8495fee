using Auth.Functions.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Auth.Functions.Tests.Integration;

/// <summary>One whole external sign-in in headless Chromium: an app's page, the provider, this service's callback, and back.</summary>
public sealed class ExternalLoginBrowserTests
{
    // An app's page: with no code it makes a PKCE pair and goes to StartExternalLogin; back with a code,
    // it exchanges it (CORS) and shows who signed in.
    private const string AppPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Some app</title></head>
        <body>
          <p id="result">running</p>
          <script>
            const api = 'API';
            const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
            (async () => {
              const result = document.getElementById('result');
              const query = new URLSearchParams(location.search);
              if (query.get('error')) { result.textContent = 'error ' + query.get('error'); return; }
              if (!query.get('code')) {
                const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
                sessionStorage.setItem('verifier', verifier);
                const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
                location.href = `${api}/api/auth/external/corp?redirectUri=${encodeURIComponent(location.origin + location.pathname)}&codeChallenge=${challenge}`;
                return;
              }
              const answer = await fetch(api + '/api/auth/external/exchange', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ code: query.get('code'), codeVerifier: sessionStorage.getItem('verifier') }),
              });
              const body = await answer.json();
              result.textContent = answer.status === 200 ? `signed in ${body.user.email} created=${body.created}` : `refused ${body.code}`;
            })();
          </script>
        </body>
        </html>
        """;

    [Fact]
    public async Task AnAppPageSignsInThroughTheProviderAndBack()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        var apiPort = LocalProcess.FreePort();
        var pagePort = LocalProcess.FreePort();
        var page = $"http://localhost:{pagePort}/app.html";
        var api = $"http://localhost:{apiPort}";
        var settings = ExternalTestKit.Settings(provider);
        settings["ExternalLogin:RedirectUris:0"] = page;
        settings["Cors:AllowedOrigins:0"] = $"http://localhost:{pagePort}";
        await using var app = await AuthApp.StartAsync(kestrelPort: apiPort, settings: settings);
        // The callback the provider sends the browser to is on PublicBaseUrl (the app's 127.0.0.1 address here).
        await using var site = await LocalSite.ServeAsync(pagePort, "/app.html", AppPage.Replace("'API'", $"'{api}'", StringComparison.Ordinal));

        await using var chromium = await Chromium.LaunchAsync();
        var tab = await chromium.Browser.NewPageAsync();
        var visited = new List<string>();
        tab.Request += (_, request) => visited.Add(request.Url);
        await tab.GotoAsync(page);

        await Expect(tab.Locator("#result")).ToHaveTextAsync($"signed in {provider.Person.Email} created=true");
        // The browser went through the provider and this service's callback; no key was ever in a URL.
        Assert.Contains(visited, u => u.StartsWith(provider.Issuer + "connect/authorize?", StringComparison.Ordinal));
        Assert.Contains(visited, u => u.StartsWith($"http://127.0.0.1:{apiPort}/api/auth/external/corp/callback?", StringComparison.Ordinal));
        Assert.Contains(visited, u => u.StartsWith(page + "?code=afs_xcode_", StringComparison.Ordinal));
        Assert.DoesNotContain(visited, u => u.Contains("afs_sess_", StringComparison.Ordinal));
    }
}
