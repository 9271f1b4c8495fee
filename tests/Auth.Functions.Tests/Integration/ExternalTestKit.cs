using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Auth.Functions.Tests.Integration;

/// <summary>Runs external sign-ins over HTTP as a browser and an app would: the app's start, the provider, the callback, the exchange.</summary>
internal static class ExternalTestKit
{
    public const string RedirectUri = "https://app.example.com/signed-in";
    public const string Provider = "corp";

    /// <summary>Settings for one OIDC provider named <paramref name="name"/> at <paramref name="provider"/>.</summary>
    public static Dictionary<string, string?> Settings(TestOidcProvider provider, bool trustVerifiedEmail = false, string name = Provider) => new()
    {
        ["ExternalLogin:RedirectUris:0"] = RedirectUri,
        [$"ExternalLogin:Providers:{name}:Authority"] = provider.Issuer,
        [$"ExternalLogin:Providers:{name}:ClientId"] = TestOidcProvider.ClientId,
        [$"ExternalLogin:Providers:{name}:ClientSecret"] = TestOidcProvider.ClientSecret,
        [$"ExternalLogin:Providers:{name}:RequireHttpsMetadata"] = "false",
        [$"ExternalLogin:Providers:{name}:TrustVerifiedEmail"] = trustVerifiedEmail ? "true" : "false",
    };

    /// <summary>A PKCE pair, as the app makes one.</summary>
    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static HttpClient NoRedirects(AuthApp app) => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>StartExternalLogin's answer (a redirect to the provider, or a problem).</summary>
    public static async Task<HttpResponseMessage> StartAsync(AuthApp app, string challenge, string? key = null, string redirectUri = RedirectUri, string provider = Provider)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/auth/external/{provider}?redirectUri={Uri.EscapeDataString(redirectUri)}&codeChallenge={challenge}");
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return await NoRedirects(app).SendAsync(request);
    }

    /// <summary>The person at the provider: its authorization endpoint sends them back to the app's callback (that URL).</summary>
    public static async Task<Uri> AtProviderAsync(Uri authorization)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var answer = await browser.GetAsync(authorization);
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"The provider answered {answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        return answer.Headers.Location!;
    }

    /// <summary>The app's callback, as the browser calls it: its answer (a redirect to the app, or a problem).</summary>
    public static Task<HttpResponseMessage> CallbackAsync(AuthApp app, Uri callback) => NoRedirects(app).GetAsync(callback.PathAndQuery);

    /// <summary>A whole sign-in up to the app's redirect URI: that URL, with ?code= or ?error=.</summary>
    public static async Task<Uri> SignInAsync(AuthApp app, string challenge, string? key = null, string provider = Provider)
    {
        var start = await StartAsync(app, challenge, key, provider: provider);
        Assert.True(start.StatusCode == HttpStatusCode.Redirect, $"StartExternalLogin answered {start.StatusCode}: {await start.Content.ReadAsStringAsync()}");
        var back = await CallbackAsync(app, await AtProviderAsync(start.Headers.Location!));
        Assert.True(back.StatusCode == HttpStatusCode.Redirect, $"The callback answered {back.StatusCode}: {await back.Content.ReadAsStringAsync()}");
        return back.Headers.Location!;
    }

    /// <summary>The parameter of the app's redirect URI (<c>code</c> or <c>error</c>).</summary>
    public static string? Parameter(Uri redirect, string name) => System.Web.HttpUtility.ParseQueryString(redirect.Query)[name];

    public static Task<HttpResponseMessage> ExchangeAsync(AuthApp app, string? code, string? codeVerifier) =>
        app.Api().PostAsync("/api/auth/external/exchange", new { code, codeVerifier });

    /// <summary>Signs in and exchanges: the exchange's answer.</summary>
    public static async Task<HttpResponseMessage> SignInAndExchangeAsync(AuthApp app, string? key = null, string provider = Provider)
    {
        var (verifier, challenge) = Pkce();
        var back = await SignInAsync(app, challenge, key, provider);
        Assert.True(Parameter(back, "code") is not null, $"The sign-in came back with {back}");
        return await ExchangeAsync(app, Parameter(back, "code"), verifier);
    }
}
