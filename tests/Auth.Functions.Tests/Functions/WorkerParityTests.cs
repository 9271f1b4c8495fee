using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Auth.Functions.Hosting;
using Auth.Functions.Storage;
using Auth.Functions.Tests.Contract;
using Auth.Functions.Tests.Infrastructure;
using Auth.Functions.Tests.Integration;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Moq;

namespace Auth.Functions.Tests.Functions;

/// <summary>
/// The Functions side proven without the Functions host: the worker's own container (built by the
/// production registration code), its activator making each function class, and each function
/// method invoked as the worker invokes it (a <see cref="FunctionContext"/>, an <see cref="HttpRequest"/>
/// over a <see cref="DefaultHttpContext"/>) against real Azurite, compared with the standalone server.
/// </summary>
public sealed partial class WorkerParityTests
{
    [Fact]
    public void TheStandaloneServerMapsExactlyTheRoutesAndMethodsOfTheGeneratedMetadata()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray()
            .SelectMany(f => f!["bindings"]!.AsArray()
                .Where(b => (string?)b!["type"] == "httpTrigger")
                .SelectMany(b => b!["methods"]!.AsArray().Select(m => $"{((string)m!).ToUpperInvariant()} /{(string)b["route"]!} {(string)f["name"]!}")))
            .ToHashSet();
        using var app = StandaloneServer.Build([]);
        var served = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m} /{e.RoutePattern.RawText} {e.DisplayName}"))
            .ToHashSet();

        // One entry per function, and one more per API route for its preflights (OPTIONS).
        Assert.Equal(ArtefactContractTests.Contract.Count(c => c.Trigger == "httpTrigger"), metadata.Count(m => !m.StartsWith("OPTIONS ", StringComparison.Ordinal)));
        Assert.Empty(metadata.Except(served));
        Assert.Empty(served.Except(metadata));
    }

    [Fact]
    public async Task TheWorkersContainerMakesEveryFunctionClassWithTheWorkersActivator()
    {
        await using var worker = await WorkerSide.StartAsync();

        foreach (var type in FunctionCatalog.FunctionClasses)
        {
            Assert.IsType(type, worker.Activate(type));
        }

        Assert.Equal(
            ArtefactContractTests.Contract.Select(c => c.Name).Order(),
            FunctionCatalog.Http.Select(f => f.Name).Concat(FunctionCatalog.Queue.Select(f => f.Name)).Concat(FunctionCatalog.Timer.Select(f => f.Name)).Order());
    }

    [Fact]
    public async Task EveryHttpFunctionInvokedAsTheWorkerInvokesItAnswersAsTheStandaloneServerDoes()
    {
        await using var worker = await WorkerSide.StartAsync();
        await using var standalone = await StandaloneSide.StartAsync();

        var viaWorker = await ScenarioAsync(worker);
        var viaStandalone = await ScenarioAsync(standalone);

        AssertSameSteps(viaStandalone, viaWorker);
        // Each function answered at least once with success and, where the contract has errors, once with one.
        foreach (var function in FunctionCatalog.Http)
        {
            Assert.Contains(viaWorker, s => s.Function == function.Name && s.Status < 400);
            if (function.Name is not ("OpenApi" or "ResetPasswordPage" or "VerifyEmailPage" or "PasskeysPage"))
            {
                Assert.Contains(viaWorker, s => s.Function == function.Name && s.Status >= 400);
            }
        }
    }

    [Fact]
    public async Task AMalformedQueueMessageMakesEachQueueFunctionThrow()
    {
        await using var worker = await WorkerSide.StartAsync();
        Assert.Equal(2, FunctionCatalog.Queue.Count);
        foreach (var function in FunctionCatalog.Queue)
        {
            var instance = worker.Activate(function.Method.DeclaringType!);
            foreach (var text in new[] { "not json", "{}", """{"requestId":"x","emailKey":"y"}""", """{"userId":"x","eventId":"y","at":"2026-11-24T09:00:00Z"}""" })
            {
                await Assert.ThrowsAsync<FormatException>(() => (Task)function.Method.Invoke(instance, [text, CancellationToken.None])!);
            }
        }
    }

    /// <summary>The two sides took the same steps; the first that differs is shown whole.</summary>
    internal static void AssertSameSteps(IReadOnlyList<Step> expected, IReadOnlyList<Step> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            Assert.True(expected[i].ToString() == actual[i].ToString(), $"Step {i} differs:\n  expected {expected[i]}\n  actual   {actual[i]}");
        }

        Assert.Equal(expected.Count, actual.Count);
    }

    /// <summary>One call and its answer, with what varies between runs (ids, keys, instants) left out.</summary>
    internal sealed record Step(string Function, int Status, string Shape)
    {
        public override string ToString() => $"{Function} {Status} {Shape}";
    }

    /// <summary>An answer: status, media type, body, and the CORS headers a preflight or a cross-origin call gets.</summary>
    internal sealed record Answer(int Status, string? ContentType, string Body, string? AllowOrigin, string? AllowMethods, string? Location = null);

    /// <summary>A GitHub stand-in every side's <c>github</c> provider talks to (one per test process).</summary>
    private static readonly Lazy<Task<GitHubStandIn>> GitHub = new(GitHubStandIn.StartAsync);

    /// <summary>Where the scenario's external sign-ins return to.</summary>
    internal const string SignedIn = "https://app.example.com/signed-in";

    /// <summary>The external sign-in settings of every side (keys with ':'; the genuine host takes them with '__').</summary>
    internal static IEnumerable<KeyValuePair<string, string?>> ExternalSettings() => GitHub.Value.GetAwaiter().GetResult().Settings(SignedIn);

    /// <summary>The origin every side lists in <c>Cors__AllowedOrigins</c>.</summary>
    internal const string AppOrigin = "https://app.example.com";

    /// <summary>
    /// Every HTTP function with a success and an error, the hosted pages, CORS preflights and a
    /// storage outage, against one side. The steps are compared between sides.
    /// </summary>
    internal static async Task<List<Step>> ScenarioAsync(ISide side)
    {
        var steps = new List<Step>();
        async Task<JsonNode?> Call(string function, int expected, string method, string path, object? body = null, string? key = null, string contentType = "application/json",
            IReadOnlyDictionary<string, string>? headers = null)
        {
            var answer = await side.SendAsync(method, path, body, key, contentType, headers);
            var (status, type, text) = (answer.Status, answer.ContentType, answer.Body);
            Assert.True(expected == status, $"{side.GetType().Name}: {function} {method} {path} answered {status}, expected {expected}: {text}");
            var json = type?.Contains("json", StringComparison.Ordinal) == true && text.Length > 0 ? JsonNode.Parse(text) : null;
            var cors = answer.AllowOrigin is null && answer.AllowMethods is null ? "" : $" cors {answer.AllowOrigin} [{answer.AllowMethods}]";
            steps.Add(new Step(function, status, (json is null ? type ?? "" : Shape(json)) + cors));
            return json;
        }

        Dictionary<string, string> Preflight(string origin, string method) => new() { ["Origin"] = origin, ["Access-Control-Request-Method"] = method };

        const string email = "parity@example.com";
        const string password = "correct horse battery";
        await Call("Register", 201, "POST", "/api/auth/register", new { email, password, displayName = "Parity" });
        await Call("Register", 409, "POST", "/api/auth/register", new { email, password });
        await Call("Register", 400, "POST", "/api/auth/register", new { email = "nope", password });
        // Verification is required (the service's default): the right password gets 403 until the link is used.
        await Call("Login", 403, "POST", "/api/auth/login", new { email, password });
        var verification = await side.LinkTokenAsync(VerifyPage);
        await Call("VerifyEmail", 404, "POST", "/api/auth/email/verify", new { token = "afs_verify_unknown" });
        await Call("VerifyEmail", 204, "POST", "/api/auth/email/verify", new { token = verification });
        await Call("ResendVerification", 202, "POST", "/api/auth/email/verify/resend", new { email });
        await Call("ResendVerification", 400, "POST", "/api/auth/email/verify/resend", new { email = "nope" });
        var session = (string)(await Call("Login", 200, "POST", "/api/auth/login", new { email, password }))!["token"]!["key"]!;
        await Call("Login", 401, "POST", "/api/auth/login", new { email, password = "wrong horse battery" });
        await Call("Login", 415, "POST", "/api/auth/login", new { email, password }, contentType: "text/plain");
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}"));
        await Call("LoginBasic", 200, "GET", "/api/auth/login", key: basic);
        await Call("LoginBasic", 401, "GET", "/api/auth/login");
        await Call("Me", 200, "GET", "/api/auth/me", key: "Bearer " + session);
        await Call("Me", 401, "GET", "/api/auth/me", key: "Bearer afs_api_not-a-key");
        await Call("ListSecurityEvents", 200, "GET", "/api/auth/events?limit=2", key: "Bearer " + session);
        await Call("ListSecurityEvents", 400, "GET", "/api/auth/events?limit=0", key: "Bearer " + session);
        var apiKey = (await Call("CreateToken", 201, "POST", "/api/tokens", new { label = "ci" }, "Bearer " + session))!["token"]!;
        await Call("CreateToken", 400, "POST", "/api/tokens", new { label = "" }, "Bearer " + session);
        await Call("ListTokens", 200, "GET", "/api/tokens", key: "Bearer " + (string)apiKey["key"]!);
        await Call("ListTokens", 401, "GET", "/api/tokens");
        await Call("ReportLeakedKeys", 202, "POST", "/api/tokens/revoke", new { keys = new[] { "afs_api_junk" } });
        await Call("ReportLeakedKeys", 400, "POST", "/api/tokens/revoke", new { keys = Array.Empty<string>() });
        await Call("DeleteToken", 204, "DELETE", "/api/tokens/" + (string)apiKey["id"]!, key: "Bearer " + session);
        await Call("DeleteToken", 404, "DELETE", "/api/tokens/" + (string)apiKey["id"]!, key: "Bearer " + session);
        await Call("ChangePassword", 400, "POST", "/api/auth/password/change", new { oldPassword = "wrong horse battery", newPassword = "a brand new passphrase" }, "Bearer " + session);
        await Call("ChangePassword", 204, "POST", "/api/auth/password/change", new { oldPassword = password, newPassword = "a brand new passphrase" }, "Bearer " + session);
        await Call("Logout", 204, "POST", "/api/auth/logout", key: "Bearer " + session);
        await Call("Logout", 401, "POST", "/api/auth/logout", key: "Bearer " + session);
        await Call("RevokeAllTokens", 401, "DELETE", "/api/tokens", key: "Bearer " + session);
        var second = (string)(await Call("Login", 200, "POST", "/api/auth/login", new { email, password = "a brand new passphrase" }))!["token"]!["key"]!;
        await Call("RevokeAllTokens", 204, "DELETE", "/api/tokens?keep=current", key: "Bearer " + second);
        await Call("ForgotPassword", 400, "POST", "/api/auth/password/forgot", new { email = "nope" });
        await Call("ForgotPassword", 202, "POST", "/api/auth/password/forgot", new { email });
        var token = await side.LinkTokenAsync(ResetPage);
        await Call("ResetPassword", 404, "POST", "/api/auth/password/reset", new { token = "afs_rst_unknown", newPassword = "yet another passphrase" });
        await Call("ResetPassword", 204, "POST", "/api/auth/password/reset", new { token, newPassword = "yet another passphrase" });
        await Call("ResetPassword", 404, "POST", "/api/auth/password/reset", new { token, newPassword = "yet another passphrase" });

        // The second factor, on the sides' real clocks: the confirmation takes the current step's code,
        // and everything after it a recovery code, so no step has to pass.
        var third = "Bearer " + (string)(await Call("Login", 200, "POST", "/api/auth/login", new { email, password = "yet another passphrase" }))!["token"]!["key"]!;
        await Call("BeginTotp", 401, "POST", "/api/auth/mfa/totp", new { password = "wrong horse battery" }, third);
        var secret = OtpNet.Base32Encoding.ToBytes((string)(await Call("BeginTotp", 200, "POST", "/api/auth/mfa/totp", new { password = "yet another passphrase" }, third))!["secret"]!);
        await Call("ConfirmTotp", 401, "POST", "/api/auth/mfa/totp/confirm", new { code = NotACodeOf(secret) }, third);
        var recovery = (await Call("ConfirmTotp", 200, "POST", "/api/auth/mfa/totp/confirm", new { code = Auth.Functions.Mfa.TotpCodes.Compute(secret, DateTimeOffset.UtcNow) }, third))!["recoveryCodes"]!.AsArray();
        var ticket = (string)(await Call("Login", 401, "POST", "/api/auth/login", new { email, password = "yet another passphrase" }))!["mfaTicket"]!;
        await Call("LoginMfa", 401, "POST", "/api/auth/login/mfa", new { mfaTicket = ticket, code = NotACodeOf(secret) });
        await Call("LoginMfa", 200, "POST", "/api/auth/login/mfa", new { mfaTicket = ticket, recoveryCode = (string)recovery[0]! });
        await Call("RegenerateRecoveryCodes", 401, "POST", "/api/auth/mfa/recovery-codes", new { code = NotACodeOf(secret) }, third);
        var renewed = (await Call("RegenerateRecoveryCodes", 200, "POST", "/api/auth/mfa/recovery-codes", new { code = (string)recovery[1]! }, third))!["recoveryCodes"]!.AsArray();
        await Call("DisableTotp", 401, "DELETE", "/api/auth/mfa/totp", new { password = "wrong horse battery", code = (string)renewed[0]! }, third);
        await Call("DisableTotp", 204, "DELETE", "/api/auth/mfa/totp", new { password = "yet another passphrase", code = (string)renewed[0]! }, third);
        await Call("DisableTotp", 409, "DELETE", "/api/auth/mfa/totp", new { password = "yet another passphrase", code = (string)renewed[1]! }, third);

        // The admin API, with a key minted by the executable's admin command; and the account's own data.
        var admin = "Bearer " + await side.AdminKeyAsync();
        var id = (string)(await Call("AdminListUsers", 200, "GET", "/api/admin/users?email=PARITY@example.com", key: admin))!["items"]![0]!["id"]!;
        await Call("AdminListUsers", 403, "GET", "/api/admin/users", key: third);
        await Call("AdminListUsers", 200, "GET", "/api/admin/users?limit=5", key: admin);
        await Call("AdminGetUser", 200, "GET", "/api/admin/users/" + id, key: admin);
        await Call("AdminGetUser", 404, "GET", "/api/admin/users/" + new string('0', 31) + "1", key: admin);
        await Call("AdminListUserEvents", 200, "GET", $"/api/admin/users/{id}/events?limit=3", key: admin);
        await Call("AdminListUserEvents", 400, "GET", $"/api/admin/users/{id}/events?limit=0", key: admin);
        await Call("AdminSendPasswordReset", 202, "POST", $"/api/admin/users/{id}/password-reset", key: admin);
        await Call("AdminSendPasswordReset", 404, "POST", "/api/admin/users/nobody/password-reset", key: admin);
        await Call("AdminRemoveMfa", 204, "DELETE", $"/api/admin/users/{id}/mfa", key: admin);
        await Call("AdminRemoveMfa", 401, "DELETE", $"/api/admin/users/{id}/mfa");
        await Call("AdminRevokeKeys", 204, "POST", $"/api/admin/users/{id}/revoke-keys", key: admin);
        await Call("AdminRevokeKeys", 404, "POST", "/api/admin/users/nobody/revoke-keys", key: admin);
        await Call("Me", 401, "GET", "/api/auth/me", key: third);
        await Call("Me", 403, "GET", "/api/auth/me", key: admin);
        await Call("AdminDisableUser", 400, "POST", $"/api/admin/users/{id}/disable", new { reason = new string('x', 201) }, admin);
        await Call("AdminDisableUser", 204, "POST", $"/api/admin/users/{id}/disable", new { reason = "parity" }, admin);
        await Call("Login", 403, "POST", "/api/auth/login", new { email, password = "yet another passphrase" });
        await Call("AdminEnableUser", 204, "POST", $"/api/admin/users/{id}/enable", key: admin);
        await Call("AdminEnableUser", 404, "POST", "/api/admin/users/nobody/enable", key: admin);
        await Call("AdminAuditLog", 200, "GET", "/api/admin/audit?limit=2", key: admin);
        await Call("AdminAuditLog", 400, "GET", "/api/admin/audit?limit=0", key: admin);
        var fourth = "Bearer " + (string)(await Call("Login", 200, "POST", "/api/auth/login", new { email, password = "yet another passphrase" }))!["token"]!["key"]!;
        using (var authenticator = new SoftAuthenticator())
        {
            var registration = (await Call("BeginPasskeyRegistration", 200, "POST", "/api/auth/passkeys/register/options", new { label = "Parity" }, fourth))!;
            await Call("BeginPasskeyRegistration", 401, "POST", "/api/auth/passkeys/register/options", new { });
            await Call("FinishPasskeyRegistration", 400, "POST", "/api/auth/passkeys/register", new { ceremony = (string)registration["ceremony"]! }, fourth);
            var passkey = (await Call("FinishPasskeyRegistration", 201, "POST", "/api/auth/passkeys/register",
                new { ceremony = (string)registration["ceremony"]!, credential = authenticator.Create(registration["options"]!) }, fourth))!["passkey"]!;
            await Call("ListPasskeys", 200, "GET", "/api/auth/passkeys", key: fourth);
            await Call("ListPasskeys", 401, "GET", "/api/auth/passkeys");
            var login = (await Call("BeginPasskeyLogin", 200, "POST", "/api/auth/passkeys/login/options", new { }))!;
            await Call("FinishPasskeyLogin", 401, "POST", "/api/auth/passkeys/login", new { ceremony = "afs_pkc_junk", credential = authenticator.Get(login["options"]!) });
            await Call("FinishPasskeyLogin", 200, "POST", "/api/auth/passkeys/login", new { ceremony = (string)login["ceremony"]!, credential = authenticator.Get(login["options"]!) });
            await Call("DeletePasskey", 204, "DELETE", "/api/auth/passkeys/" + (string)passkey["id"]!, key: fourth);
            await Call("DeletePasskey", 404, "DELETE", "/api/auth/passkeys/" + (string)passkey["id"]!, key: fourth);
        }

        // External sign-in with GitHub (its stand-in): linked to the account, unlinked; then a new account.
        async Task<string> Redirected(string function, string path, string? key = null)
        {
            var answer = await side.SendAsync("GET", path, null, key, "application/json", null);
            Assert.True(answer.Status == 302, $"{side.GetType().Name}: {function} {path} answered {answer.Status}: {answer.Body}");
            steps.Add(new Step(function, answer.Status, "redirect"));
            return answer.Location!;
        }

        async Task<(Uri Back, string Verifier)> SignInAtGitHubAsync(string? key = null)
        {
            var (verifier, challenge) = ExternalTestKit.Pkce();
            var start = await Redirected("StartExternalLogin", $"/api/auth/external/github?redirectUri={Uri.EscapeDataString(SignedIn)}&codeChallenge={challenge}", key);
            var callback = await ExternalTestKit.AtProviderAsync(new Uri(start));
            return (new Uri(await Redirected("ExternalLoginCallback", callback.PathAndQuery)), verifier);
        }

        await Call("StartExternalLogin", 404, "GET", $"/api/auth/external/nobody?redirectUri={Uri.EscapeDataString(SignedIn)}&codeChallenge={ExternalTestKit.Pkce().Challenge}");
        await Call("ExternalLoginCallback", 401, "GET", "/api/auth/external/github/callback?code=x&state=afs_xst_junk");
        var (linkBack, _) = await SignInAtGitHubAsync(fourth);
        await Call("ExchangeExternalLogin", 401, "POST", "/api/auth/external/exchange", new { code = ExternalTestKit.Parameter(linkBack, "code"), codeVerifier = ExternalTestKit.Pkce().Verifier });
        (linkBack, var linkVerifier) = await SignInAtGitHubAsync(fourth);
        await Call("ExchangeExternalLogin", 200, "POST", "/api/auth/external/exchange", new { code = ExternalTestKit.Parameter(linkBack, "code"), codeVerifier = linkVerifier });
        var identity = (string)(await Call("ListIdentities", 200, "GET", "/api/auth/identities", key: fourth))!["items"]![0]!["id"]!;
        await Call("ListIdentities", 401, "GET", "/api/auth/identities");
        await Call("UnlinkIdentity", 204, "DELETE", "/api/auth/identities/" + identity, key: fourth);
        await Call("UnlinkIdentity", 404, "DELETE", "/api/auth/identities/" + identity, key: fourth);
        var (back, verifier) = await SignInAtGitHubAsync();
        var external = "Bearer " + (string)(await Call("ExchangeExternalLogin", 200, "POST", "/api/auth/external/exchange",
            new { code = ExternalTestKit.Parameter(back, "code"), codeVerifier = verifier }))!["token"]!["key"]!;
        await Call("UnlinkIdentity", 409, "DELETE", "/api/auth/identities/" + identity, key: external);

        await Call("ExportAccount", 200, "GET", "/api/auth/account/export", key: fourth);
        await Call("ExportAccount", 401, "GET", "/api/auth/account/export");
        await Call("DeleteAccount", 401, "DELETE", "/api/auth/account", new { password = "wrong horse battery" }, fourth);
        await Call("DeleteAccount", 204, "DELETE", "/api/auth/account", new { password = "yet another passphrase" }, fourth);
        await Call("AdminDeleteUser", 404, "DELETE", "/api/admin/users/" + id, key: admin);
        var other = (string)(await Call("Register", 201, "POST", "/api/auth/register", new { email = "parity-two@example.com", password }))!["user"]!["id"]!;
        await Call("AdminDeleteUser", 204, "DELETE", "/api/admin/users/" + other, key: admin);

        await Call("Health", 200, "GET", "/api/health");
        await using (await side.StorageOutageAsync())
        {
            await Call("Health", 503, "GET", "/api/health");
            await Call("BeginPasskeyLogin", 503, "POST", "/api/auth/passkeys/login/options", new { });
        }

        // CORS: a preflight from the listed origin, one from another, and an actual cross-origin call.
        await Call("Login", 204, "OPTIONS", "/api/auth/login", headers: Preflight(AppOrigin, "POST"));
        await Call("Login", 204, "OPTIONS", "/api/auth/login", headers: Preflight("https://elsewhere.example", "POST"));
        await Call("Me", 204, "OPTIONS", "/api/auth/me", headers: Preflight(AppOrigin, "GET"));
        await Call("Health", 200, "GET", "/api/health", headers: new Dictionary<string, string> { ["Origin"] = AppOrigin });
        await Call("OpenApi", 200, "GET", "/api/openapi.json");
        await Call("ResetPasswordPage", 200, "GET", "/reset-password");
        await Call("VerifyEmailPage", 200, "GET", "/verify-email");
        await Call("PasskeysPage", 200, "GET", "/passkeys");
        return steps;
    }

    /// <summary>A six-digit code that is none of the secret's codes for now, the step before or the step after.</summary>
    private static string NotACodeOf(byte[] secret)
    {
        var now = DateTimeOffset.UtcNow;
        var valid = new[] { -60, -30, 0, 30, 60 }.Select(s => Auth.Functions.Mfa.TotpCodes.Compute(secret, now.AddSeconds(s))).ToHashSet();
        return Enumerable.Range(100000, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).First(c => !valid.Contains(c));
    }

    /// <summary>
    /// The JSON's structure, with the values of problem bodies kept (they are fixed by the contract), but
    /// for an mfa_required problem's ticket and expiry, which are new each time.
    /// </summary>
    private static string Shape(JsonNode node) => node switch
    {
        JsonObject o when o.ContainsKey("code") && o.ContainsKey("mfaTicket") =>
            new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, p.Key is "mfaTicket" or "expires" ? (JsonNode?)p.Value!.GetValueKind().ToString() : p.Value?.DeepClone()))).ToJsonString(),
        JsonObject o when o.ContainsKey("code") => o.ToJsonString(),
        JsonObject o => "{" + string.Join(",", o.Select(p => p.Key + ":" + (p.Value is null ? "null" : Shape(p.Value)))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(i => i is null ? "null" : Shape(i))) + "]",
        _ => node.GetValueKind().ToString(),
    };

    internal interface ISide : IAsyncDisposable
    {
        Task<Answer> SendAsync(string method, string pathAndQuery, object? body, string? authorization, string contentType, IReadOnlyDictionary<string, string>? headers);

        /// <summary>The token of the (only) email that links to <paramref name="page"/>: the reset or the verification email.</summary>
        Task<string> LinkTokenAsync(string page);

        /// <summary>Storage is unreachable until the result is disposed.</summary>
        Task<IAsyncDisposable> StorageOutageAsync();

        /// <summary>An admin key minted by the app's own executable code (<c>admin create-key</c>) against this side's storage.</summary>
        Task<string> AdminKeyAsync();
    }

    /// <summary>An outage made by failing every storage request at the app's own pipeline (a side whose app runs in this process).</summary>
    private sealed class ProbeOutage(Fault fault) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            fault.Stop();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Runs <c>admin create-key</c> as the executable does, against the given storage; returns the key it printed.</summary>
    internal static async Task<string> MintAdminKeyAsync(string connectionString, string? tablePrefix)
    {
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connectionString };
        if (tablePrefix is not null)
        {
            settings["Storage:TablePrefix"] = tablePrefix;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var output = new StringWriter();
        using var errors = new StringWriter();
        Assert.Equal(0, await Auth.Functions.Admin.AdminCli.RunAsync(["admin", "create-key", "--label", "parity"], output, errors, configuration));
        return output.ToString().Trim();
    }

    private const string ResetPage = "reset-password";
    private const string VerifyPage = "verify-email";

    internal static async Task<string> TokenFromMailAsync(string directory, string page)
    {
        // The folder also holds the security notifications, and the other kind of link email.
        for (var waited = 0; waited < 300; waited++)
        {
            var texts = Directory.Exists(directory)
                ? Directory.GetFiles(directory, "*.eml").Select(f => MimeKit.MimeMessage.Load(f).TextBody ?? "")
                : [];
            if (texts.Select(t => LinkToken().Match(t)).FirstOrDefault(m => m.Success && m.Groups[1].Value == page) is { } match)
            {
                return Uri.UnescapeDataString(match.Groups[2].Value);
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No email linking to {page} in {directory}.");
    }

    [GeneratedRegex(@"/(reset-password|verify-email)#token=(\S+)")]
    private static partial Regex LinkToken();

    /// <summary>The function methods, invoked as the isolated worker invokes them.</summary>
    private sealed class WorkerSide : ISide
    {
        private readonly IHost _host;
        private readonly IFunctionActivator _activator;
        private readonly string _mail;
        private readonly string _connectionString;
        private readonly string _prefix;

        private WorkerSide(IHost host, StorageProbe probe, string mail, string connectionString, string prefix)
        {
            _host = host;
            _activator = host.Services.GetRequiredService<IFunctionActivator>();
            Probe = probe;
            _mail = mail;
            _connectionString = connectionString;
            _prefix = prefix;
        }

        public Task<string> AdminKeyAsync() => MintAdminKeyAsync(_connectionString, _prefix);

        public StorageProbe Probe { get; }

        public Task<IAsyncDisposable> StorageOutageAsync() => Task.FromResult<IAsyncDisposable>(new ProbeOutage(Probe.FailAt(_ => true, StorageProbe.Outage)));

        /// <summary>The worker's container, built by the production code, over a fresh set of tables; not connected to any host.</summary>
        public static async Task<WorkerSide> StartAsync()
        {
            var azurite = await Azurite.Shared;
            var probe = new StorageProbe();
            var mail = Path.Combine(Path.GetTempPath(), "worker-mail-" + Guid.NewGuid().ToString("N"));
            var prefix = "w" + Guid.NewGuid().ToString("N")[..12];
            var builder = FunctionsWorker.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Storage:TablePrefix"] = prefix,
                ["Storage:QueuePrefix"] = prefix + "-",
                ["PublicBaseUrl"] = AuthApp.PublicBaseUrl,
                ["SecretKeys:File"] = Path.Combine(mail, "secret-keys"),
                ["Email:Provider"] = "pickup",
                ["Email:PickupDirectory"] = mail,
                ["RateLimits:RegisterPerMinute"] = "1000",
                ["Cors:AllowedOrigins:0"] = AppOrigin,
            }.Concat(ExternalSettings()));
            // The test seam the standalone side has too: it sees (and can fail) every storage request.
            builder.Services.AddSingleton(new StoragePipelinePolicy(probe, Azure.Core.HttpPipelinePosition.PerRetry));
            var host = builder.Build();
            // Only the storage initializer of the worker's hosted services runs: the rest would dial the host.
            await host.Services.GetRequiredService<StorageInitializer>().StartAsync(CancellationToken.None);
            // And the key ring's load, which the login of an account with a second factor needs.
            await host.Services.GetRequiredService<Auth.Functions.Secrets.SecretKeyRing>().LoadAsync(CancellationToken.None);
            return new WorkerSide(host, probe, mail, azurite.ConnectionString, prefix);
        }

        public object Activate(Type type)
        {
            var context = new Mock<FunctionContext>();
            context.SetupGet(c => c.InstanceServices).Returns(_host.Services);
            context.SetupGet(c => c.CancellationToken).Returns(CancellationToken.None);
            return _activator.CreateInstance(type, context.Object)!;
        }

        public async Task<Answer> SendAsync(string method, string pathAndQuery, object? body, string? authorization, string contentType, IReadOnlyDictionary<string, string>? headers)
        {
            var uri = new Uri("http://localhost" + pathAndQuery);
            var http = new DefaultHttpContext { RequestServices = _host.Services };
            var request = http.Request;
            request.Method = method;
            request.Scheme = "https";
            request.Host = new HostString("auth.test.example");
            request.Path = uri.AbsolutePath;
            request.QueryString = new QueryString(uri.Query);
            // A client on this machine, as the other sides' are.
            http.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
            if (authorization is not null)
            {
                request.Headers.Authorization = authorization;
            }

            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers[name] = value;
            }

            if (body is not null)
            {
                var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body);
                request.Body = new MemoryStream(bytes);
                request.ContentLength = bytes.Length;
                request.ContentType = contentType;
            }

            http.Response.Body = new MemoryStream();

            // The worker's router (functions.metadata routes) picks the function and fills the route values.
            var function = FunctionCatalog.Http.Single(f => f.Methods.Contains(method) && Matches(f.Route, request));
            var instance = Activate(function.Method.DeclaringType!);
            var result = await (Task<IResult>)function.Method.Invoke(instance, [request])!;
            await result.ExecuteAsync(http);

            http.Response.Body.Position = 0;
            var answered = http.Response.Headers;
            return new Answer(http.Response.StatusCode, http.Response.ContentType, await new StreamReader(http.Response.Body).ReadToEndAsync(),
                answered.AccessControlAllowOrigin.Count > 0 ? answered.AccessControlAllowOrigin.ToString() : null,
                answered.AccessControlAllowMethods.Count > 0 ? answered.AccessControlAllowMethods.ToString() : null,
                answered.Location.Count > 0 ? answered.Location.ToString() : null);
        }

        private static bool Matches(string route, HttpRequest request)
        {
            var values = new RouteValueDictionary();
            if (!new TemplateMatcher(TemplateParser.Parse(route), []).TryMatch(request.Path, values))
            {
                return false;
            }

            request.RouteValues = values;
            return true;
        }

        public async Task<string> LinkTokenAsync(string page)
        {
            // The host would deliver the queued message to SendResetEmail or SendAccountEmail; here it
            // is taken off the real queue and handed to the function the same way.
            var (queueName, functionName) = page == ResetPage
                ? (Auth.Functions.Recovery.ResetQueue.Name, Auth.Functions.Recovery.ResetEmailWorker.FunctionName)
                : (Auth.Functions.Notifications.AccountEmailQueue.Name, Auth.Functions.Notifications.AccountEmailWorker.FunctionName);
            var queues = _host.Services.GetRequiredService<QueueServiceClient>();
            var queue = queues.GetQueueClient(_host.Services.GetRequiredService<StorageOptions>().QueueName(queueName));
            var message = (await queue.ReceiveMessageAsync()).Value ?? throw new InvalidOperationException($"Nothing was queued on {queueName}.");
            var function = FunctionCatalog.Queue.Single(f => f.Name == functionName);
            await (Task)function.Method.Invoke(Activate(function.Method.DeclaringType!), [message.Body.ToString(), CancellationToken.None])!;
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            return await TokenFromMailAsync(_mail, page);
        }

        public async ValueTask DisposeAsync()
        {
            await _host.Services.GetRequiredService<StorageInitializer>().StopAsync(CancellationToken.None);
            _host.Dispose();
        }
    }

    /// <summary>The same calls over HTTP (a real socket) to the standalone server.</summary>
    internal sealed class StandaloneSide(AuthApp app, HttpClient http) : ISide
    {
        public static async Task<StandaloneSide> StartAsync()
        {
            var port = LocalProcess.FreePort();
            var app = await AuthApp.StartAsync(emailSender: AuthApp.ConfiguredSender, kestrelPort: port, settings: new Dictionary<string, string?>
            {
                ["RateLimits:RegisterPerMinute"] = "1000",
                // The service's default, as on the other sides.
                ["Accounts:RequireVerifiedEmail"] = "true",
                ["Cors:AllowedOrigins:0"] = AppOrigin,
            }.Concat(ExternalSettings()).ToDictionary());
            // Redirects are answers to compare, not to follow.
            return new StandaloneSide(app, new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
        }

        public Uri BaseAddress => http.BaseAddress!;

        public Task<Answer> SendAsync(string method, string pathAndQuery, object? body, string? authorization, string contentType, IReadOnlyDictionary<string, string>? headers) =>
            SendOverHttpAsync(http, method, pathAndQuery, body, authorization, contentType, headers);

        public Task<string> LinkTokenAsync(string page) => TokenFromMailAsync(app.MailDirectory, page);

        public Task<IAsyncDisposable> StorageOutageAsync() => Task.FromResult<IAsyncDisposable>(new ProbeOutage(app.Storage.FailAt(_ => true, StorageProbe.Outage)));

        public async Task<string> AdminKeyAsync() => await MintAdminKeyAsync((await Azurite.Shared).ConnectionString, app.TablePrefix);

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            await app.DisposeAsync();
        }
    }

    /// <summary>One call over HTTP, as any client makes it.</summary>
    internal static async Task<Answer> SendOverHttpAsync(
        HttpClient client, string method, string pathAndQuery, object? body, string? authorization, string contentType, IReadOnlyDictionary<string, string>? headers)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), pathAndQuery);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await client.SendAsync(request);
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync(),
            response.Headers.TryGetValues("Access-Control-Allow-Origin", out var origin) ? string.Join(",", origin) : null,
            response.Headers.TryGetValues("Access-Control-Allow-Methods", out var methods) ? string.Join(",", methods) : null,
            response.Headers.Location?.ToString());
    }
}
