using System.Net;
using System.Text.Json.Nodes;
using Auth.Functions.Mfa;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>Enrols through the API as an app would, computing codes from the secret as an authenticator app does.</summary>
internal static class MfaTestKit
{
    public const string Password = "a perfectly fine passphrase";

    /// <summary>A new user, enrolled and confirmed. The fake clock then moves to the next step, so a fresh code is ready.</summary>
    public static async Task<MfaUser> NewEnrolledUserAsync(AuthApp app, string? email = null)
    {
        var (mail, password, key, userId) = await app.Api().NewUserAsync(email);
        var begun = await app.Api(key).PostAsync("/api/auth/mfa/totp", new { password });
        await begun.ShouldBe(HttpStatusCode.OK);
        var secret = OtpNet.Base32Encoding.ToBytes((string)(await begun.Json())["secret"]!);
        var confirmed = await app.Api(key).PostAsync("/api/auth/mfa/totp/confirm", new { code = CodeNow(app, secret) });
        await confirmed.ShouldBe(HttpStatusCode.OK);
        var codes = (await confirmed.Json())["recoveryCodes"]!.AsArray().Select(c => (string)c!).ToArray();
        NextStep(app);
        return new MfaUser(mail, password, key, userId, secret, codes);
    }

    public static string CodeNow(AuthApp app, byte[] secret) => TotpCodes.Compute(secret, app.Clock!.GetUtcNow());

    /// <summary>Moves the fake clock into the next 30-second step.</summary>
    public static void NextStep(AuthApp app) => app.Clock!.Advance(TimeSpan.FromSeconds(TotpCodes.StepSeconds));

    /// <summary>Logs in with the password and returns the mfa_required answer's body (it carries the ticket).</summary>
    public static async Task<JsonNode> MfaRequiredAsync(AuthApp app, string email, string password, string? forwardedFor = null)
    {
        var response = await app.Api().PostFromAsync(forwardedFor, "/api/auth/login", new { email, password });
        return await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "mfa_required");
    }

    public static async Task<string> TicketAsync(AuthApp app, MfaUser user, string? forwardedFor = null) =>
        (string)(await MfaRequiredAsync(app, user.Email, user.Password, forwardedFor))["mfaTicket"]!;

    public static Task<HttpResponseMessage> CompleteAsync(AuthApp app, string ticket, string? code = null, string? recoveryCode = null, string? forwardedFor = null) =>
        app.Api().PostFromAsync(forwardedFor, "/api/auth/login/mfa", new { mfaTicket = ticket, code, recoveryCode });

    /// <summary>The types of the user's security events, oldest first.</summary>
    public static async Task<List<string>> EventTypesAsync(AuthApp app, string key)
    {
        var response = await app.Api(key).GetAsync("/api/auth/events?limit=100");
        await response.ShouldBe(HttpStatusCode.OK);
        return [.. (await response.Json())["items"]!.AsArray().Select(e => (string)e!["type"]!).Reverse()];
    }
}
