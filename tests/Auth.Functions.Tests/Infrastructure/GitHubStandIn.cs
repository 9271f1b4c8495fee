using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>Who signs in at <see cref="GitHubStandIn"/>: GitHub's numeric id and the primary address, verified or not.</summary>
public sealed record GitHubUser(long Id, string PrimaryEmail, bool Verified);

/// <summary>
/// A local stand-in of GitHub's OAuth endpoints and its REST API's <c>/user</c> and <c>/user/emails</c>
/// (GitHub is OAuth 2.0, not OpenID Connect, and has no emulator). It checks what GitHub would: the
/// client's id and secret, the redirect URI and PKCE verifier of the code, the code used once, and the
/// bearer token on the API.
/// </summary>
public sealed class GitHubStandIn : IAsyncDisposable
{
    public const string ClientId = "Iv1.test-client";
    public const string ClientSecret = "github test secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string RedirectUri, string Challenge, GitHubUser User)> _codes = new();
    private readonly ConcurrentDictionary<string, GitHubUser> _tokens = new();

    private GitHubStandIn(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public GitHubUser User { get; set; } = new(Random.Shared.NextInt64(1, long.MaxValue), $"octo-{Guid.NewGuid():N}@example.com", Verified: true);

    /// <summary>The app's settings for a provider named <c>github</c> that talks to this stand-in.</summary>
    public Dictionary<string, string?> Settings(string redirectUri) => new()
    {
        ["ExternalLogin:RedirectUris:0"] = redirectUri,
        ["ExternalLogin:Providers:github:ClientId"] = ClientId,
        ["ExternalLogin:Providers:github:ClientSecret"] = ClientSecret,
        ["ExternalLogin:Providers:github:AuthorizationEndpoint"] = BaseUrl + "/login/oauth/authorize",
        ["ExternalLogin:Providers:github:TokenEndpoint"] = BaseUrl + "/login/oauth/access_token",
        ["ExternalLogin:Providers:github:ApiBaseUrl"] = BaseUrl + "/api",
    };

    public static async Task<GitHubStandIn> StartAsync()
    {
        var port = LocalProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port));
        var app = builder.Build();
        var standIn = new GitHubStandIn(app, $"http://localhost:{port}");
        app.MapGet("/login/oauth/authorize", (HttpRequest request) =>
        {
            if (request.Query["client_id"] != ClientId || request.Query["code_challenge_method"] != "S256")
            {
                return Results.BadRequest();
            }

            var code = Guid.NewGuid().ToString("N");
            standIn._codes[code] = (request.Query["redirect_uri"]!, request.Query["code_challenge"]!, standIn.User);
            return Results.Redirect($"{request.Query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(request.Query["state"]!)}");
        });
        app.MapPost("/login/oauth/access_token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret || !standIn._codes.TryRemove(form["code"]!, out var code)
                || code.RedirectUri != form["redirect_uri"]
                || code.Challenge != Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))))
            {
                // GitHub answers 200 with an error object.
                return Results.Json(new { error = "bad_verification_code" });
            }

            var token = "gho_" + Guid.NewGuid().ToString("N");
            standIn._tokens[token] = code.User;
            return Results.Json(new { access_token = token, token_type = "bearer", scope = "read:user,user:email" });
        });
        app.MapGet("/api/user", (HttpRequest request) =>
            standIn.UserOf(request) is { } user ? Results.Json(new { id = user.Id, login = "octo" }) : Results.Unauthorized());
        app.MapGet("/api/user/emails", (HttpRequest request) =>
            standIn.UserOf(request) is { } user
                ? Results.Json(new object[]
                {
                    new { email = "secondary-" + user.PrimaryEmail, primary = false, verified = true },
                    new { email = user.PrimaryEmail, primary = true, verified = user.Verified },
                })
                : Results.Unauthorized());
        await app.StartAsync();
        return standIn;
    }

    private GitHubUser? UserOf(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
        && request.Headers.UserAgent.Count > 0 && _tokens.TryGetValue(header["Bearer ".Length..], out var user) ? user : null;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
