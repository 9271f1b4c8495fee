using Auth.Functions.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Auth.Functions.Tests.Integration;

/// <summary>
/// Passkeys in real headless Chromium, with a virtual authenticator (ctap2, internal transport, resident
/// keys, user verification) added through the DevTools protocol: the browser makes and signs the
/// credentials, Fido2 verifies them in the app, nothing in between is simulated.
/// </summary>
public sealed class PasskeyBrowserTests
{
    [Fact]
    public async Task OnTheHostedPageAPersonAddsAPasskeySignsOutAndSignsInWithItAndTheSessionWorks()
    {
        var port = LocalProcess.FreePort();
        var origin = $"http://localhost:{port}";
        await using var app = await AuthApp.StartAsync(kestrelPort: port, settings: new Dictionary<string, string?> { ["Passkeys:Origins:0"] = origin });
        var api = app.Api();
        var (email, password, key, userId) = await api.NewUserAsync();

        await using var chromium = await Chromium.LaunchAsync();
        var page = await AddPasskeyAndSignInWithItAsync(chromium, origin, email, password);

        // The account's own view: one passkey, used just now, and the log says how.
        var passkeys = (await (await api.WithKey(key).GetAsync("/api/auth/passkeys")).Json())["items"]!.AsArray();
        var passkey = Assert.Single(passkeys)!;
        Assert.Equal("Laptop", (string?)passkey["label"]);
        Assert.NotNull((string?)passkey["lastUsed"]);
        Assert.Equal(["internal"], passkey["transports"]!.AsArray().Select(t => (string?)t));
        Assert.Null(passkey["publicKey"]);
        var events = (await (await api.WithKey(key).GetAsync("/api/auth/events")).Json())["items"]!.AsArray();
        Assert.Contains(events, e => (string?)e!["type"] == "passkey_added" && (string?)e["label"] == "Laptop");
        var login = Assert.Single(events, e => (string?)e!["type"] == "login_succeeded" && (string?)e["method"] == "passkey")!;
        Assert.True((bool?)login["mfa"]);
        Assert.Equal(userId, (string?)(await (await api.WithKey(key).GetAsync("/api/auth/me")).Json())["user"]!["id"]);

        // Removed on the page, it no longer signs in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("The passkey was removed.");
        await Expect(page.Locator("#passkey-list")).ToHaveTextAsync("None yet.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("The passkey was not accepted: begin the ceremony again.");
    }

    /// <summary>
    /// What a person does on the hosted page: sign in with the password, add a passkey named "Laptop",
    /// sign out, sign in with the passkey (no email typed), and see the list read with that session.
    /// </summary>
    internal static async Task<IPage> AddPasskeyAndSignInWithItAsync(Chromium.Session chromium, string origin, string email, string password)
    {
        var page = await chromium.Browser.NewPageAsync();
        await Chromium.AddVirtualAuthenticatorAsync(page);
        await page.GotoAsync(origin + "/passkeys");

        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Locator("#who")).ToHaveTextAsync(email);
        await Expect(page.Locator("#passkey-list")).ToHaveTextAsync("None yet.");

        await page.GetByLabel("Name for a new passkey").FillAsync("Laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("The passkey was added.");
        await Expect(page.Locator("#passkey-list li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#passkey-list li").First).ToContainTextAsync("Laptop");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out.");
        await Expect(page.Locator("#signed-in")).ToBeHiddenAsync();

        // No email typed: the authenticator offers the discoverable credential for this RP id.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed in with a passkey.");
        await Expect(page.Locator("#who")).ToHaveTextAsync(email);
        // The list was read with the passkey's session: it works.
        await Expect(page.Locator("#passkey-list li").First).ToContainTextAsync("Laptop");
        return page;
    }

    // An app's own front end on another origin: the README's code as it is (only its API address
    // filled in), driven by a few lines that report what it returned in #result.
    private static string AppPage()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("**In your own front end.**", StringComparison.Ordinal)..];
        var start = section.IndexOf("```js\n", StringComparison.Ordinal) + "```js\n".Length;
        var code = section[start..section.IndexOf("```\n", start, StringComparison.Ordinal)];
        const string placeholder = "const api = 'https://<your-app>.azurewebsites.net';";
        Assert.Contains(placeholder, code, StringComparison.Ordinal);
        code = code.Replace(placeholder, "const api = new URLSearchParams(location.search).get('api');", StringComparison.Ordinal);
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Some app</title></head>
            <body>
              <p id="result">running</p>
              <script>
            {{code}}
                const query = new URLSearchParams(location.search);
                const result = document.getElementById('result');
                (async () => {
                  try {
                    if (query.get('mode') === 'register') {
                      const added = await addPasskey(query.get('key'), 'App');
                      result.textContent = added.passkey ? 'register ok' : 'register ' + added.code;
                    } else {
                      const signedIn = await signInWithPasskey();
                      if (!signedIn.token) { result.textContent = 'login ' + signedIn.code; return; }
                      const me = await (await fetch(query.get('api') + '/api/auth/me', { headers: { Authorization: 'Bearer ' + signedIn.token.key } })).json();
                      result.textContent = 'login ' + me.user.email;
                    }
                  } catch (e) {
                    result.textContent = 'failed: ' + e.name + ' ' + e.message;
                  }
                })();
              </script>
            </body>
            </html>
            """;
    }

    [Fact]
    public async Task APageOnASecondListedOriginRegistersAndSignsInAndAPageOnAnUnlistedOriginIsRefused()
    {
        var apiPort = LocalProcess.FreePort();
        var listedPort = LocalProcess.FreePort();
        var unlistedPort = LocalProcess.FreePort();
        var listed = $"http://localhost:{listedPort}";
        var unlisted = $"http://localhost:{unlistedPort}";
        // Both pages may call the API (CORS); only one may run passkey ceremonies. The RP id, localhost,
        // covers both, so the browser runs either ceremony and the refusal is the app's.
        await using var app = await AuthApp.StartAsync(kestrelPort: apiPort, settings: new Dictionary<string, string?>
        {
            ["Passkeys:Origins:0"] = $"http://localhost:{apiPort}",
            ["Passkeys:Origins:1"] = listed,
            ["Cors:AllowedOrigins:0"] = listed,
            ["Cors:AllowedOrigins:1"] = unlisted,
        });
        var api = $"http://127.0.0.1:{apiPort}";
        var client = app.Api();
        var (email, _, key, _) = await client.NewUserAsync();

        var appPage = AppPage();
        await using var listedSite = await LocalSite.ServeAsync(listedPort, "/app.html", appPage);
        await using var unlistedSite = await LocalSite.ServeAsync(unlistedPort, "/app.html", appPage);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        await Chromium.AddVirtualAuthenticatorAsync(page);

        Task<string> RunAsync(string origin, string mode) => RunOnAsync(page, origin, mode);

        async Task<string> RunOnAsync(IPage page, string origin, string mode)
        {
            await page.GotoAsync($"{origin}/app.html?mode={mode}&api={Uri.EscapeDataString(api)}&key={Uri.EscapeDataString(key)}");
            await Expect(page.Locator("#result")).Not.ToHaveTextAsync("running");
            return (await page.Locator("#result").TextContentAsync())!;
        }

        Assert.Equal("register ok", await RunAsync(listed, "register"));
        Assert.Equal($"login {email}", await RunAsync(listed, "login"));

        // The same authenticator and credential, from a page whose origin is not listed.
        Assert.Equal("login passkey_not_accepted", await RunAsync(unlisted, "login"));
        // This authenticator holds a passkey of the account already, which the options exclude: the
        // browser itself refuses to make a second one.
        Assert.StartsWith("failed: InvalidStateError", await RunAsync(listed, "register"));
        // A new authenticator makes one on the unlisted origin's page, and the app refuses it.
        var other = await chromium.Browser.NewPageAsync();
        await Chromium.AddVirtualAuthenticatorAsync(other);
        Assert.Equal("register passkey_not_accepted", await RunOnAsync(other, unlisted, "register"));

        var passkeys = (await (await client.WithKey(key).GetAsync("/api/auth/passkeys")).Json())["items"]!.AsArray();
        Assert.Equal("App", (string?)Assert.Single(passkeys)!["label"]);
    }
}
