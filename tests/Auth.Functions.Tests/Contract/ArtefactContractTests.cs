using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Functions.Hosting;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Contract;

/// <summary>
/// The deployable artefact against the custom-handler contract (functions-host.md): its shape, and
/// the executable started exactly as the Functions host starts it, fed the requests the host sends.
/// </summary>
public sealed class ArtefactContractTests(Artefact artefact) : IClassFixture<Artefact>
{
    /// <summary>Every function of api.md.</summary>
    private static readonly string[] ApiFunctions =
    [
        "Register", "Login", "LoginBasic", "Logout", "Me", "ChangePassword", "ForgotPassword", "ResetPassword",
        "CreateToken", "ListTokens", "DeleteToken", "RevokeAllTokens", "Health", "OpenApi", "ResetPasswordPage",
        "SendResetEmail", "PurgeExpiredTokens",
    ];

    [Fact]
    public void TheZipIsAFunctionsAppRootWithOneFolderPerFunctionAndAnExecutableHandler()
    {
        using var zip = ZipFile.OpenRead(artefact.ZipPath);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();

        using var hostJson = JsonDocument.Parse(zip.GetEntry("host.json")!.Open());
        var customHandler = hostJson.RootElement.GetProperty("customHandler");
        var executable = customHandler.GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;
        Assert.Equal("Auth.Functions", executable);
        Assert.True(customHandler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("", hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal(5, hostJson.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("maxDequeueCount").GetInt32());

        var folders = names.Where(n => n.EndsWith("/function.json", StringComparison.Ordinal)).Select(n => n.Split('/')[0]).Order().ToList();
        Assert.Equal(ApiFunctions.Order(), folders);

        // The handler keeps its Unix execute bits inside the zip.
        var mode = (UnixFileMode)((zip.GetEntry(executable)!.ExternalAttributes >> 16) & 0x1FF);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute) && mode.HasFlag(UnixFileMode.OtherExecute), $"mode {mode}");
        Assert.True(File.GetUnixFileMode(artefact.Executable).HasFlag(UnixFileMode.UserExecute));

        // Nothing that does not belong in production.
        Assert.DoesNotContain(names, n => n.EndsWith("local.settings.json", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.EndsWith(".pdb", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("obj/", StringComparison.Ordinal) || n.Contains("/obj/", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("xunit", StringComparison.OrdinalIgnoreCase) || n.Contains("Moq", StringComparison.Ordinal)
            || n.Contains("Playwright", StringComparison.Ordinal) || n.Contains("Tests", StringComparison.Ordinal));
        // Self-contained: the runtime travels with the app.
        Assert.Contains("libcoreclr.so", names);
    }

    [Fact]
    public async Task ItAnswersTheReadinessProbeAndServesEveryHttpFunctionAtItsRealPath()
    {
        var port = LocalProcess.FreePort();
        await using var app = await StartAsync(port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var covered = new HashSet<string>();
        async Task<HttpResponseMessage> Call(string function, HttpRequestMessage request, HttpStatusCode expected)
        {
            // As the host forwards it: original path and query, all headers, the X-Forwarded-* it adds.
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7:51234");
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "auth.example.com");
            var response = await http.SendAsync(request);
            await response.ShouldBe(expected);
            covered.Add(function);
            return response;
        }

        HttpRequestMessage Json(HttpMethod method, string path, object body, string? key = null)
        {
            var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
            if (key is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            return request;
        }

        HttpRequestMessage Bare(HttpMethod method, string path, string? key = null)
        {
            var request = new HttpRequestMessage(method, path);
            if (key is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            return request;
        }

        var probe = await http.GetAsync("/");
        Assert.True((int)probe.StatusCode is >= 200 and < 500);

        const string email = "contract@example.com", password = "contract passphrase one";
        await Call("Register", Json(HttpMethod.Post, "/api/auth/register", new { email, password }), HttpStatusCode.Created);
        var login = await Call("Login", Json(HttpMethod.Post, "/api/auth/login", new { email, password }), HttpStatusCode.OK);
        var session = (string)(await login.Json())["token"]!["key"]!;
        var basic = Bare(HttpMethod.Get, "/api/auth/login");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));
        await Call("LoginBasic", basic, HttpStatusCode.OK);
        await Call("Me", Bare(HttpMethod.Get, "/api/auth/me", session), HttpStatusCode.OK);
        var created = await Call("CreateToken", Json(HttpMethod.Post, "/api/tokens", new { label = "contract" }, session), HttpStatusCode.Created);
        var tokenId = (string)(await created.Json())["token"]!["id"]!;
        await Call("ListTokens", Bare(HttpMethod.Get, "/api/tokens", session), HttpStatusCode.OK);
        await Call("DeleteToken", Bare(HttpMethod.Delete, $"/api/tokens/{tokenId}", session), HttpStatusCode.NoContent);
        await Call("ChangePassword", Json(HttpMethod.Post, "/api/auth/password/change", new { oldPassword = password, newPassword = "contract passphrase two" }, session), HttpStatusCode.NoContent);
        await Call("RevokeAllTokens", Bare(HttpMethod.Delete, "/api/tokens?keep=current", session), HttpStatusCode.NoContent);
        await Call("ForgotPassword", Json(HttpMethod.Post, "/api/auth/password/forgot", new { email }), HttpStatusCode.Accepted);
        await Call("ResetPassword", Json(HttpMethod.Post, "/api/auth/password/reset", new { token = "afs_reset_unknown", newPassword = "contract passphrase three" }), HttpStatusCode.NotFound);
        var page = await Call("ResetPasswordPage", Bare(HttpMethod.Get, "/reset-password?token=x"), HttpStatusCode.OK);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        await Call("Health", Bare(HttpMethod.Get, "/api/health"), HttpStatusCode.OK);
        var openApi = await Call("OpenApi", Bare(HttpMethod.Get, "/api/openapi.json"), HttpStatusCode.OK);
        Assert.StartsWith("3.", (string)(await openApi.Json())["openapi"]!, StringComparison.Ordinal);
        await Call("Logout", Bare(HttpMethod.Post, "/api/auth/logout", session), HttpStatusCode.NoContent);

        var httpFunctions = FunctionManifest.Load(artefact.AppRoot).Functions.Where(f => f.TriggerType == "httpTrigger").Select(f => f.Name);
        Assert.Equal(httpFunctions.Order(), covered.Order());
    }

    [Fact]
    public async Task TheTimerInvocationRunsThePurgeAndAnswersWithAJsonPayload()
    {
        var port = LocalProcess.FreePort();
        await using var app = await StartAsync(port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var payload = """
            {"Data":{"timer":{"Schedule":{"AdjustForDST":true},
              "ScheduleStatus":{"Last":"2023-10-12T20:13:49.640002Z","Next":"2023-10-12T21:13:49.640002Z","LastUpdated":"2023-10-12T20:13:49.640002Z"},
              "IsPastDue":false}},
             "Metadata":{"sys":{"MethodName":"PurgeExpiredTokens","UtcNow":"2023-10-12T20:13:49.640002Z","RandGuid":"4e773554-f6b7-4ea2-b07d-4c5fd5aba741"}}}
            """;

        var response = await http.SendAsync(Invocation("/PurgeExpiredTokens", payload));

        await response.ShouldBe(HttpStatusCode.OK);
        var body = await AssertInvocationResponseAsync(response);
        Assert.Contains("purged", (string)body["Logs"]![0]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueInvocationsInBothShapesSendTheResetEmail()
    {
        var port = LocalProcess.FreePort();
        var mail = Directory.CreateTempSubdirectory("contract-mail-").FullName;
        await using var app = await StartAsync(port, new Dictionary<string, string?> { ["Email__PickupDirectory"] = mail });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        foreach (var who in new[] { "documented@example.com", "wire@example.com" })
        {
            await (await http.PostAsJsonAsync("/api/auth/register", new { email = who, password = "contract passphrase one" })).ShouldBe(HttpStatusCode.Created);
        }

        string Message(string who) => JsonSerializer.Serialize(new
        {
            requestId = Auth.Functions.Tokens.Keys.NewId(),
            emailKey = Auth.Functions.Accounts.EmailAddress.KeyOf(who),
        });
        var documented = JsonSerializer.Serialize(new
        {
            Data = new { message = Message("documented@example.com") },
            Metadata = new { DequeueCount = 1, Id = Guid.NewGuid().ToString(), PopReceipt = "AgAAAAMAAAAAAAAAAgtnj8x+1QE=", sys = new { MethodName = "SendResetEmail" } },
        });
        var wire = JsonSerializer.Serialize(new
        {
            Data = new { message = JsonSerializer.Serialize(Message("wire@example.com")) },
            Metadata = new { DequeueCount = "1", Id = $"\"{Guid.NewGuid()}\"", sys = new { MethodName = "SendResetEmail" } },
        });

        foreach (var payload in new[] { documented, wire })
        {
            var response = await http.SendAsync(Invocation("/SendResetEmail", payload));
            await response.ShouldBe(HttpStatusCode.OK);
            var body = await AssertInvocationResponseAsync(response);
            Assert.Contains("sent", (string)body["Logs"]![0]!, StringComparison.Ordinal);
        }

        var recipients = Directory.GetFiles(mail, "*.eml").Select(f => MimeKit.MimeMessage.Load(f).To.Mailboxes.Single().Address).Order();
        Assert.Equal(["documented@example.com", "wire@example.com"], recipients);
    }

    [Fact]
    public async Task AQueueInvocationWhoseWorkFailsGetsANon2xxJsonAnswer()
    {
        var port = LocalProcess.FreePort();
        var deadSmtp = LocalProcess.FreePort();
        await using var app = await StartAsync(port, new Dictionary<string, string?>
        {
            ["Email__Provider"] = "smtp",
            ["Email__Smtp__Host"] = "127.0.0.1",
            ["Email__Smtp__Port"] = deadSmtp.ToString(),
            ["Email__Smtp__Security"] = "none",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await (await http.PostAsJsonAsync("/api/auth/register", new { email = "fails@example.com", password = "contract passphrase one" })).ShouldBe(HttpStatusCode.Created);
        var message = JsonSerializer.Serialize(new { requestId = Auth.Functions.Tokens.Keys.NewId(), emailKey = Auth.Functions.Accounts.EmailAddress.KeyOf("fails@example.com") });
        var payload = JsonSerializer.Serialize(new { Data = new { message }, Metadata = new { DequeueCount = 5, Id = Guid.NewGuid().ToString() } });

        var response = await http.SendAsync(Invocation("/SendResetEmail", payload));

        Assert.False(response.IsSuccessStatusCode);
        await AssertInvocationResponseAsync(response);
    }

    [Fact]
    public async Task StandaloneTheTriggerPathsAreNotReachable()
    {
        var port = LocalProcess.FreePort();
        var azurite = await Azurite.Shared;
        await using var app = LocalProcess.Start(artefact.Executable, [], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
            ["FUNCTIONS_HTTPWORKER_PORT"] = null,
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage__TablePrefix"] = "c" + Guid.NewGuid().ToString("N")[..12],
            ["Storage__QueuePrefix"] = "c" + Guid.NewGuid().ToString("N")[..12] + "-",
            ["PublicBaseUrl"] = "https://auth.example.com",
            ["Email__PickupDirectory"] = Directory.CreateTempSubdirectory("standalone-mail-").FullName,
        }, workingDirectory: artefact.AppRoot);
        await LocalProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(30), () => app.Output);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        foreach (var path in new[] { "/SendResetEmail", "/PurgeExpiredTokens" })
        {
            var response = await http.SendAsync(Invocation(path, """{"Data":{},"Metadata":{}}"""));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await (await http.GetAsync("/api/health")).ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("add")]
    [InlineData("remove")]
    public async Task AFunctionDefinitionWithoutAHandlerOrAHandlerWithoutADefinitionStopsStartUp(string change)
    {
        // A copy of the artefact with one function.json added or removed.
        var root = Directory.CreateTempSubdirectory("broken-app-").FullName;
        ZipFile.ExtractToDirectory(artefact.ZipPath, root);
        string expected;
        if (change == "add")
        {
            Directory.CreateDirectory(Path.Combine(root, "Bogus"));
            File.Copy(Path.Combine(root, "Me", "function.json"), Path.Combine(root, "Bogus", "function.json"));
            expected = "Bogus";
        }
        else
        {
            File.Delete(Path.Combine(root, "Me", "function.json"));
            expected = "'Me'";
        }

        await using var app = Artefact.StartUnderHost(root, LocalProcess.FreePort(), new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = (await Azurite.Shared).ConnectionString,
            ["PublicBaseUrl"] = "https://auth.example.com",
        });

        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(expected, app.Output, StringComparison.Ordinal);
    }

    private async Task<LocalProcess> StartAsync(int port, IDictionary<string, string?>? extra = null)
    {
        var azurite = await Azurite.Shared;
        var environment = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage__TablePrefix"] = "c" + Guid.NewGuid().ToString("N")[..12],
            ["PublicBaseUrl"] = "https://auth.example.com",
            ["Email__PickupDirectory"] = Directory.CreateTempSubdirectory("contract-mail-").FullName,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        var app = Artefact.StartUnderHost(artefact.AppRoot, port, environment);
        await LocalProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(30), () => app.Output);
        return app;
    }

    private static HttpRequestMessage Invocation(string path, string payload)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.300.0");
        return request;
    }

    private static async Task<JsonNode> AssertInvocationResponseAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Json();
        Assert.Equal(JsonValueKind.Object, body["Outputs"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Array, body["Logs"]!.GetValueKind());
        Assert.True(body.AsObject().ContainsKey("ReturnValue"));
        Assert.Null(body["ReturnValue"]);
        return body;
    }
}
