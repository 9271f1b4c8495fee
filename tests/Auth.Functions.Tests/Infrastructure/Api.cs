using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>A thin HTTP client for the API, speaking JSON and reading answers as JSON nodes.</summary>
public sealed class Api(HttpClient http, string? key)
{
    public HttpClient Http => http;

    public Api WithKey(string newKey) => new(http, newKey);

    public Task<HttpResponseMessage> PostAsync(string path, object? body) => SendAsync(HttpMethod.Post, path, body);

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<HttpResponseMessage> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    /// <summary>Posts the text as it is; a null content type sends no Content-Type header at all.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string path, string content, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(content, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(request);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        return SendAsync(request);
    }

    /// <summary>A POST as if a proxy had forwarded it for <paramref name="forwardedFor"/> (the <c>X-Forwarded-For</c> value; null: none).</summary>
    public Task<HttpResponseMessage> PostFromAsync(string? forwardedFor, string path, object? body) => SendAsync(HttpMethod.Post, path, body, forwardedFor);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (key is not null && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http.SendAsync(request);
    }

    public async Task<JsonNode> RegisterAsync(string email, string password, string? displayName = null)
    {
        var response = await PostAsync("/api/auth/register", new { email, password, displayName });
        await response.ShouldBe(HttpStatusCode.Created);
        return (await response.Json())["user"]!;
    }

    /// <summary>Logs in and returns the session key.</summary>
    public async Task<string> LoginAsync(string email, string password)
    {
        var response = await PostAsync("/api/auth/login", new { email, password });
        await response.ShouldBe(HttpStatusCode.OK);
        return (string)(await response.Json())["token"]!["key"]!;
    }

    /// <summary>Registers a fresh user and logs in: (email, password, session key, user id).</summary>
    public async Task<(string Email, string Password, string Key, string UserId)> NewUserAsync(string? email = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.com";
        const string password = "a perfectly fine passphrase";
        var user = await RegisterAsync(email, password);
        return (email, password, await LoginAsync(email, password), (string)user["id"]!);
    }

    public async Task<(string Id, string Key)> CreateApiKeyAsync(string label = "test", DateTimeOffset? expires = null)
    {
        var response = await PostAsync("/api/tokens", new { label, expires });
        await response.ShouldBe(HttpStatusCode.Created);
        var token = (await response.Json())["token"]!;
        return ((string)token["id"]!, (string)token["key"]!);
    }
}

public static class HttpAssertions
{
    public static async Task<JsonNode> Json(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body.");

    public static async Task ShouldBe(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    /// <summary>Asserts a problem+json answer with the given status and code; returns the body.</summary>
    public static async Task<JsonNode> ShouldBeProblem(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        await response.ShouldBe(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Json();
        Assert.Equal(code, (string?)body["code"]);
        Assert.Equal((int)status, (int?)body["status"]);
        var text = body.ToJsonString();
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        return body;
    }
}
