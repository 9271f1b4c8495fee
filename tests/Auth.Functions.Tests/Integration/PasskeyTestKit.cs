using System.Net;
using System.Text.Json.Nodes;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>Runs passkey ceremonies through the API as an app's front end would, with a <see cref="SoftAuthenticator"/> as the browser.</summary>
internal static class PasskeyTestKit
{
    /// <summary>BeginPasskeyRegistration's answer: (ceremony, options).</summary>
    public static async Task<(string Ceremony, JsonNode Options)> BeginRegistrationAsync(AuthApp app, string key, string? label = null)
    {
        var begun = await app.Api(key).PostAsync("/api/auth/passkeys/register/options", new { label });
        await begun.ShouldBe(HttpStatusCode.OK);
        var body = await begun.Json();
        return ((string)body["ceremony"]!, body["options"]!);
    }

    public static Task<HttpResponseMessage> FinishRegistrationAsync(AuthApp app, string key, string ceremony, JsonNode credential, string? label = null) =>
        app.Api(key).PostAsync("/api/auth/passkeys/register", new { ceremony, credential, label });

    /// <summary>Adds a passkey made by <paramref name="authenticator"/>; returns its <c>passkey</c> object.</summary>
    public static async Task<JsonNode> AddPasskeyAsync(AuthApp app, string key, SoftAuthenticator authenticator, string label = "Laptop")
    {
        var (ceremony, options) = await BeginRegistrationAsync(app, key, label);
        var finished = await FinishRegistrationAsync(app, key, ceremony, authenticator.Create(options));
        await finished.ShouldBe(HttpStatusCode.Created);
        return (await finished.Json())["passkey"]!;
    }

    public static async Task<(string Ceremony, JsonNode Options)> BeginLoginAsync(AuthApp app)
    {
        var begun = await app.Api().PostAsync("/api/auth/passkeys/login/options", new { });
        await begun.ShouldBe(HttpStatusCode.OK);
        var body = await begun.Json();
        return ((string)body["ceremony"]!, body["options"]!);
    }

    public static Task<HttpResponseMessage> FinishLoginAsync(AuthApp app, string ceremony, JsonNode credential) =>
        app.Api().PostAsync("/api/auth/passkeys/login", new { ceremony, credential });

    /// <summary>A whole sign-in: begin, answer, finish.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(AuthApp app, SoftAuthenticator authenticator, uint? counter = null, string? asOrigin = null, string? asRpId = null, bool verified = true)
    {
        var (ceremony, options) = await BeginLoginAsync(app);
        return await FinishLoginAsync(app, ceremony, authenticator.Get(options, asOrigin, asRpId, verified, counter));
    }
}
