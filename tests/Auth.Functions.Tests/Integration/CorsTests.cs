using System.Net;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>CORS as the app answers it itself, over HTTP (the browser's side is in CorsBrowserTests).</summary>
public sealed class CorsTests
{
    private const string Allowed = "https://app.example.com";
    private const string Other = "https://evil.example.net";

    private static Task<AuthApp> StartAsync(params string[] origins) => AuthApp.StartAsync(settings: origins
        .Select((o, i) => (Key: $"Cors:AllowedOrigins:{i}", Value: (string?)o))
        .ToDictionary(p => p.Key, p => p.Value));

    private static HttpRequestMessage Preflight(string path, string origin, string method = "POST")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    [Theory]
    [InlineData("/api/tokens", "POST, GET, DELETE, OPTIONS")]
    [InlineData("/api/tokens/revoke", "POST, OPTIONS")]
    [InlineData("/api/tokens/0123456789abcdef0123456789abcdef", "DELETE, OPTIONS")]
    [InlineData("/api/auth/login", "POST, GET, OPTIONS")]
    [InlineData("/api/auth/me", "GET, OPTIONS")]
    public async Task APreflightFromAnAllowedOriginGetsTheRoutesMethodsAndNoCredentials(string path, string methods)
    {
        await using var app = await StartAsync(Allowed, "http://localhost:5173");
        await app.QuietAsync();
        var before = app.Storage.TableRequests;

        var response = await app.Api().SendAsync(Preflight(path, Allowed));

        await response.ShouldBe(HttpStatusCode.NoContent);
        Assert.Equal(Allowed, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal(methods, Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal(methods, string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal("Authorization, Content-Type", Header(response, "Access-Control-Allow-Headers"));
        Assert.Equal("600", Header(response, "Access-Control-Max-Age"));
        Assert.Contains("Origin", Header(response, "Vary")!, StringComparison.Ordinal);
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
        // A preflight costs no storage request.
        Assert.Equal(before, app.Storage.TableRequests);
    }

    [Fact]
    public async Task AnAnswerToAnAllowedOriginNamesItAndExposesRetryAfterAndWwwAuthenticate()
    {
        await using var app = await StartAsync(Allowed);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Add("Origin", Allowed);

        var response = await app.Api().SendAsync(request);

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(Allowed, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("Retry-After, WWW-Authenticate", Header(response, "Access-Control-Expose-Headers"));
        Assert.Contains("Origin", Header(response, "Vary")!, StringComparison.Ordinal);
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task AnOriginNotOnTheListGetsNoCorsHeaders()
    {
        await using var app = await StartAsync(Allowed);
        var get = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        get.Headers.Add("Origin", Other);

        var preflight = await app.Api().SendAsync(Preflight("/api/auth/login", Other));
        var answer = await app.Api().SendAsync(get);

        await preflight.ShouldBe(HttpStatusCode.NoContent);
        await answer.ShouldBe(HttpStatusCode.OK);
        foreach (var response in new[] { preflight, answer })
        {
            Assert.Null(Header(response, "Access-Control-Allow-Origin"));
            Assert.Null(Header(response, "Access-Control-Allow-Methods"));
            Assert.Null(Header(response, "Access-Control-Expose-Headers"));
        }
    }

    [Fact]
    public async Task WithNoOriginsConfiguredNoCorsHeaderIsSentAtAll()
    {
        await using var app = await StartAsync();
        var get = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        get.Headers.Add("Origin", Allowed);

        var preflight = await app.Api().SendAsync(Preflight("/api/auth/register", Allowed));
        var answer = await app.Api().SendAsync(get);

        // OPTIONS still says what the route allows, as HTTP wants.
        await preflight.ShouldBe(HttpStatusCode.NoContent);
        Assert.Equal("POST, OPTIONS", string.Join(", ", preflight.Content.Headers.Allow));
        foreach (var response in new[] { preflight, answer })
        {
            Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.Ordinal));
            Assert.DoesNotContain("Origin", Header(response, "Vary") ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheMaxAgeIsASetting()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Cors:AllowedOrigins:0"] = Allowed,
            ["Cors:MaxAge"] = "01:00:00",
        });

        var response = await app.Api().SendAsync(Preflight("/api/auth/me", Allowed, "GET"));

        Assert.Equal("3600", Header(response, "Access-Control-Max-Age"));
    }
}
