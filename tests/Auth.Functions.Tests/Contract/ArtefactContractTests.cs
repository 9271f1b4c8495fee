using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Contract;

/// <summary>
/// The deployable artefact: what Flex Consumption reads at the zip's root, the function metadata the
/// Functions SDK generated (checked against the API contract in the README), and the same files started on
/// their own as the standalone server.
/// </summary>
public sealed class ArtefactContractTests(Artefact artefact) : IClassFixture<Artefact>
{
    /// <summary>
    /// Every function of the API with its trigger, as the contract states it (this list is the
    /// contract's, not read from the code it checks): HTTP route and method, queue, or schedule.
    /// </summary>
    public static readonly (string Name, string Trigger, string Detail)[] Contract =
    [
        ("Register", "httpTrigger", "POST api/auth/register"),
        ("Login", "httpTrigger", "POST api/auth/login"),
        ("LoginBasic", "httpTrigger", "GET api/auth/login"),
        ("Logout", "httpTrigger", "POST api/auth/logout"),
        ("Me", "httpTrigger", "GET api/auth/me"),
        ("ListSecurityEvents", "httpTrigger", "GET api/auth/events"),
        ("ChangePassword", "httpTrigger", "POST api/auth/password/change"),
        ("ForgotPassword", "httpTrigger", "POST api/auth/password/forgot"),
        ("ResetPassword", "httpTrigger", "POST api/auth/password/reset"),
        ("VerifyEmail", "httpTrigger", "POST api/auth/email/verify"),
        ("ResendVerification", "httpTrigger", "POST api/auth/email/verify/resend"),
        ("CreateToken", "httpTrigger", "POST api/tokens"),
        ("ListTokens", "httpTrigger", "GET api/tokens"),
        ("DeleteToken", "httpTrigger", "DELETE api/tokens/{id}"),
        ("RevokeAllTokens", "httpTrigger", "DELETE api/tokens"),
        ("ReportLeakedKeys", "httpTrigger", "POST api/tokens/revoke"),
        ("Health", "httpTrigger", "GET api/health"),
        ("OpenApi", "httpTrigger", "GET api/openapi.json"),
        ("ResetPasswordPage", "httpTrigger", "GET reset-password"),
        ("VerifyEmailPage", "httpTrigger", "GET verify-email"),
        ("BeginTotp", "httpTrigger", "POST api/auth/mfa/totp"),
        ("ConfirmTotp", "httpTrigger", "POST api/auth/mfa/totp/confirm"),
        ("DisableTotp", "httpTrigger", "DELETE api/auth/mfa/totp"),
        ("RegenerateRecoveryCodes", "httpTrigger", "POST api/auth/mfa/recovery-codes"),
        ("LoginMfa", "httpTrigger", "POST api/auth/login/mfa"),
        ("DeleteAccount", "httpTrigger", "DELETE api/auth/account"),
        ("ExportAccount", "httpTrigger", "GET api/auth/account/export"),
        ("AdminListUsers", "httpTrigger", "GET api/admin/users"),
        ("AdminGetUser", "httpTrigger", "GET api/admin/users/{id}"),
        ("AdminDisableUser", "httpTrigger", "POST api/admin/users/{id}/disable"),
        ("AdminEnableUser", "httpTrigger", "POST api/admin/users/{id}/enable"),
        ("AdminDeleteUser", "httpTrigger", "DELETE api/admin/users/{id}"),
        ("AdminRevokeKeys", "httpTrigger", "POST api/admin/users/{id}/revoke-keys"),
        ("AdminRemoveMfa", "httpTrigger", "DELETE api/admin/users/{id}/mfa"),
        ("AdminSendPasswordReset", "httpTrigger", "POST api/admin/users/{id}/password-reset"),
        ("AdminListUserEvents", "httpTrigger", "GET api/admin/users/{id}/events"),
        ("AdminAuditLog", "httpTrigger", "GET api/admin/audit"),
        ("BeginPasskeyRegistration", "httpTrigger", "POST api/auth/passkeys/register/options"),
        ("FinishPasskeyRegistration", "httpTrigger", "POST api/auth/passkeys/register"),
        ("ListPasskeys", "httpTrigger", "GET api/auth/passkeys"),
        ("DeletePasskey", "httpTrigger", "DELETE api/auth/passkeys/{id}"),
        ("BeginPasskeyLogin", "httpTrigger", "POST api/auth/passkeys/login/options"),
        ("FinishPasskeyLogin", "httpTrigger", "POST api/auth/passkeys/login"),
        ("PasskeysPage", "httpTrigger", "GET passkeys"),
        ("StartExternalLogin", "httpTrigger", "GET api/auth/external/{provider}"),
        ("ExternalLoginCallback", "httpTrigger", "GET api/auth/external/{provider}/callback"),
        ("ExchangeExternalLogin", "httpTrigger", "POST api/auth/external/exchange"),
        ("ListIdentities", "httpTrigger", "GET api/auth/identities"),
        ("UnlinkIdentity", "httpTrigger", "DELETE api/auth/identities/{id}"),
        ("SendResetEmail", "queueTrigger", "password-reset via AzureWebJobsStorage"),
        ("SendAccountEmail", "queueTrigger", "account-email via AzureWebJobsStorage"),
        ("PurgeExpiredTokens", "timerTrigger", "%PurgeSchedule%"),
    ];

    [Fact]
    public void TheZipRootHoldsWhatFlexConsumptionDeploysAndNothingElse()
    {
        using var zip = ZipFile.OpenRead(artefact.ZipPath);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();

        foreach (var file in new[] { "host.json", "functions.metadata", "worker.config.json", "extensions.json", "Auth.Functions.dll", "Auth.Functions.deps.json", "Auth.Functions.runtimeconfig.json" })
        {
            Assert.Contains(file, names);
        }

        Assert.Contains(names, n => n.StartsWith(".azurefunctions/", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal));
        // The native Argon2id the app hashes with, for the platform it runs on.
        Assert.Contains("libsodium.so", names);

        using var worker = JsonDocument.Parse(zip.GetEntry("worker.config.json")!.Open());
        var description = worker.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("Auth.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.True(description.GetProperty("canUsePlaceholder").GetBoolean());

        // host.json: the worker's, not a custom handler's; the route prefix and queue semantics the API relies on.
        using var host = JsonDocument.Parse(zip.GetEntry("host.json")!.Open());
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _));
        var extensions = host.RootElement.GetProperty("extensions");
        Assert.Equal("", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal(5, extensions.GetProperty("queues").GetProperty("maxDequeueCount").GetInt32());

        // The queue trigger's host-side extension is in the list the host loads.
        using var extensionList = JsonDocument.Parse(zip.GetEntry("extensions.json")!.Open());
        Assert.Contains(extensionList.RootElement.GetProperty("extensions").EnumerateArray(), e => e.GetProperty("name").GetString() == "AzureStorageQueues");

        // Nothing of the first design, and nothing that does not belong in production.
        Assert.DoesNotContain(names, n => n.EndsWith("function.json", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.EndsWith("local.settings.json", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.EndsWith(".pdb", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("obj/", StringComparison.Ordinal) || n.Contains("/obj/", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("xunit", StringComparison.OrdinalIgnoreCase) || n.Contains("Moq", StringComparison.Ordinal)
            || n.Contains("Playwright", StringComparison.Ordinal) || n.Contains("Tests", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAppIsCompiledAheadOfTimeForLinuxX64()
    {
        using var stream = File.OpenRead(Path.Combine(artefact.AppRoot, "Auth.Functions.dll"));
        using var pe = new PEReader(stream);

        // ReadyToRun images carry a managed native header; IL-only ones do not.
        Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "Auth.Functions.dll is not ReadyToRun");
        Assert.Equal(Machine.Amd64, pe.PEHeaders.CoffHeader.Machine ^ (Machine)0x7B79); // R2R marks the machine with the Linux OS bits.
    }

    [Fact]
    public void TheGeneratedMetadataListsEveryFunctionOfTheContractWithItsBindings()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(artefact.AppRoot, "functions.metadata")))!.AsArray();

        var described = metadata.Select(f =>
        {
            var trigger = f!["bindings"]!.AsArray().Single(b => ((string)b!["type"]!).EndsWith("Trigger", StringComparison.Ordinal))!;
            var type = (string)trigger["type"]!;
            var detail = type switch
            {
                // OPTIONS (CORS preflights) is checked on its own below.
                "httpTrigger" => $"{string.Join(",", trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant()).Where(m => m != "OPTIONS"))} {(string)trigger["route"]!}",
                "queueTrigger" => $"{(string)trigger["queueName"]!} via {(string)trigger["connection"]!}",
                "timerTrigger" => (string)trigger["schedule"]!,
                _ => type,
            };
            if (type == "httpTrigger")
            {
                Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
                // The answer is what the function returns.
                Assert.Contains(f["bindings"]!.AsArray(), b => (string?)b!["type"] == "http" && (string?)b["direction"] == "Out");
            }

            return (Name: (string)f["name"]!, Trigger: type, Detail: detail);
        }).ToList();

        Assert.Equal(Contract.OrderBy(c => c.Name), described.OrderBy(d => d.Name));
    }

    [Fact]
    public void EveryApiRouteLetsTheFunctionsHostPassPreflightsToExactlyOneFunction()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(artefact.AppRoot, "functions.metadata")))!.AsArray();
        var http = metadata
            .Select(f => (Name: (string)f!["name"]!, Trigger: f["bindings"]!.AsArray().SingleOrDefault(b => (string?)b!["type"] == "httpTrigger")))
            .Where(f => f.Trigger is not null)
            .Select(f => (f.Name, Route: (string)f.Trigger!["route"]!, Options: f.Trigger["methods"]!.AsArray().Any(m => ((string)m!).Equals("options", StringComparison.OrdinalIgnoreCase))))
            .ToList();

        // The host only forwards the methods a function declares: without OPTIONS, a browser's preflight never reaches the app.
        foreach (var route in http.GroupBy(f => f.Route))
        {
            var withOptions = route.Count(f => f.Options);
            Assert.True(route.Key.StartsWith("api/", StringComparison.Ordinal) ? withOptions == 1 : withOptions == 0,
                $"{route.Key}: {withOptions} functions take OPTIONS");
        }
    }

    [Fact]
    public async Task TheSameFilesStartedOnTheirOwnServeTheApiOnTheGivenAddress()
    {
        var port = LocalProcess.FreePort();
        var azurite = await Azurite.Shared;
        var mail = Directory.CreateTempSubdirectory("standalone-mail-").FullName;
        await using var app = LocalProcess.Start("dotnet", [Path.Combine(artefact.AppRoot, "Auth.Functions.dll")], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage__TablePrefix"] = "c" + Guid.NewGuid().ToString("N")[..12],
            ["Storage__QueuePrefix"] = "c" + Guid.NewGuid().ToString("N")[..12] + "-",
            ["PublicBaseUrl"] = "https://auth.example.com",
            ["Email__PickupDirectory"] = mail,
            ["SecretKeys__File"] = Path.Combine(mail, "secret-keys"),
        }, workingDirectory: artefact.AppRoot);
        await LocalProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(30), () => app.Output);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await (await http.GetAsync("/api/health")).ShouldBe(HttpStatusCode.OK);
        await (await http.PostAsJsonAsync("/api/auth/register", new { email = "zip@example.com", password = "correct horse battery" })).ShouldBe(HttpStatusCode.Created);
        // Out of the box, a login waits for the address to be verified, and the link is in the mail folder.
        await (await http.PostAsJsonAsync("/api/auth/login", new { email = "zip@example.com", password = "correct horse battery" }))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "email_not_verified");
        var token = await VerificationTokenAsync(mail);
        await (await http.PostAsJsonAsync("/api/auth/email/verify", new { token })).ShouldBe(HttpStatusCode.NoContent);
        await (await http.PostAsJsonAsync("/api/auth/login", new { email = "zip@example.com", password = "correct horse battery" })).ShouldBe(HttpStatusCode.OK);
        // No trigger endpoint of any kind is reachable on the public listener.
        await (await http.PostAsync("/SendResetEmail", JsonContent.Create(new { }))).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    private static async Task<string> VerificationTokenAsync(string folder)
    {
        for (var waited = 0; waited < 300; waited++)
        {
            foreach (var file in Directory.GetFiles(folder, "*.eml"))
            {
                var text = (await MimeKit.MimeMessage.LoadAsync(file)).TextBody ?? "";
                if (text.Split("/verify-email#token=") is [_, var rest, ..])
                {
                    return Uri.UnescapeDataString(rest.Split(null)[0]);
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No verification email in {folder}.");
    }
}
