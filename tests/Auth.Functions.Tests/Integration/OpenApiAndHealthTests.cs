using System.Text.Json.Nodes;
using System.Net;
using Auth.Functions.Hosting;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

public sealed class OpenApiAndHealthTests
{
    [Fact]
    public async Task HealthIsHealthyWhenStorageAnswers()
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().GetAsync("/api/health");

        await response.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("healthy", (string?)(await response.Json())["status"]);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryHttpFunctionWithItsMethod()
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().GetAsync("/api/openapi.json");

        await response.ShouldBe(HttpStatusCode.OK);
        var document = await response.Json();
        Assert.StartsWith("3.", (string)document["openapi"]!, StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        foreach (var function in FunctionCatalog.Http.Where(f => f.Name != "OpenApi"))
        {
            var path = "/" + function.Route;
            Assert.True(paths.ContainsKey(path), $"{function.Name}: {path} is not documented");
            var operation = paths[path]![function.Methods[0].ToLowerInvariant()];
            Assert.NotNull(operation);
            Assert.Equal(function.Name, (string?)operation!["operationId"]);
        }

        // Key-protected operations name the scheme; anonymous ones say "none" explicitly.
        Assert.NotNull(document["components"]!["securitySchemes"]!["bearerKey"]);
        Assert.Equal("bearerKey", paths["/api/auth/me"]!["get"]!["security"]![0]!.AsObject().Single().Key);
        Assert.Equal("bearerKey", paths["/api/tokens"]!["post"]!["security"]![0]!.AsObject().Single().Key);
        Assert.Empty(paths["/api/auth/register"]!["post"]!["security"]!.AsArray());
        // Errors are documented as the problem body apps receive, with the codes each status can carry.
        var conflict = paths["/api/auth/register"]!["post"]!["responses"]!["409"]!;
        var schema = conflict["content"]!["application/problem+json"]!["schema"]!["allOf"]!.AsArray();
        Assert.EndsWith("/ProblemBody", (string)schema[0]!["$ref"]!, StringComparison.Ordinal);
        Assert.Equal(["email_taken"], schema[1]!["properties"]!["code"]!["enum"]!.AsArray().Select(c => (string)c!));
        Assert.Contains("`email_taken`", (string)conflict["description"]!, StringComparison.Ordinal);
        var login400 = paths["/api/auth/login"]!["post"]!["responses"]!["400"]!["content"]!["application/problem+json"]!["schema"]!["allOf"]![1]!;
        Assert.Equal(["malformed_json", "validation_failed"], login400["properties"]!["code"]!["enum"]!.AsArray().Select(c => (string)c!));
        // The second factor's codes, in the operations that can answer them.
        string[] CodesOf(string path, string method, string status) =>
            [.. paths[path]![method]!["responses"]![status]!["content"]!["application/problem+json"]!["schema"]!["allOf"]![1]!["properties"]!["code"]!["enum"]!.AsArray().Select(c => (string)c!)];
        Assert.Equal(["invalid_credentials", "mfa_required"], CodesOf("/api/auth/login", "post", "401"));
        Assert.Equal(["invalid_credentials", "mfa_required"], CodesOf("/api/auth/login", "get", "401"));
        Assert.Equal(["invalid_mfa_code"], CodesOf("/api/auth/login/mfa", "post", "401"));
        Assert.Equal(["mfa_already_enabled"], CodesOf("/api/auth/mfa/totp", "post", "409"));
        Assert.Equal(["unauthorized", "reauthentication_required"], CodesOf("/api/auth/mfa/totp", "post", "401").Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(["invalid_mfa_code", "reauthentication_required", "unauthorized"], CodesOf("/api/auth/mfa/totp", "delete", "401").Order(StringComparer.Ordinal));
        Assert.Equal(["mfa_already_enabled", "mfa_not_enabled"], CodesOf("/api/auth/mfa/totp/confirm", "post", "409"));
        Assert.Equal(["mfa_not_enabled"], CodesOf("/api/auth/mfa/recovery-codes", "post", "409"));
        // Admin operations take the admin key's scheme, and answer 403 forbidden to a user key; user operations answer 403 to an admin key.
        Assert.NotNull(document["components"]!["securitySchemes"]!["adminKey"]);
        Assert.Equal("adminKey", paths["/api/admin/users/{id}/disable"]!["post"]!["security"]![0]!.AsObject().Single().Key);
        Assert.Contains("forbidden", CodesOf("/api/admin/users", "get", "403"));
        Assert.Contains("forbidden", CodesOf("/api/auth/me", "get", "403"));
        Assert.Equal(["account_disabled", "email_not_verified"], CodesOf("/api/auth/login", "post", "403"));
        var problem = document["components"]!["schemas"]!["ProblemBody"]!;
        Assert.NotNull(problem["properties"]!["mfaTicket"]);
        Assert.DoesNotContain("mfaTicket", problem["required"]!.AsArray().Select(r => (string)r!));
        // A success without a body is documented too, and path parameters are declared.
        Assert.NotNull(paths["/api/tokens/{id}"]!["delete"]!["responses"]!["204"]);
        Assert.Equal("id", (string?)paths["/api/tokens/{id}"]!["delete"]!["parameters"]![0]!["name"]);
    }

    [Fact]
    public async Task OptionalFieldsAreNotRequiredStatusIsAnIntegerAndTheServerIsTheRequestsOrigin()
    {
        await using var app = await AuthApp.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/openapi.json");
        request.Headers.Host = "auth.contoso.test:8443";

        var document = await (await app.Api().SendAsync(request)).Json();

        var schemas = document["components"]!["schemas"]!;
        string[] Required(string schema) => [.. (schemas[schema]!["required"]?.AsArray() ?? []).Select(r => (string)r!)];
        Assert.Equal(["email", "password"], Required("RegisterRequest"));
        Assert.Equal(["password"], Required("LoginRequest"));
        Assert.Equal(["label"], Required("CreateTokenRequest"));
        Assert.Equal(["oldPassword", "newPassword"], Required("ChangePasswordRequest"));
        Assert.DoesNotContain("errors", Required("ProblemBody"));
        Assert.Equal("integer", (string?)schemas["ProblemBody"]!["properties"]!["status"]!["type"]);
        Assert.Equal("http://auth.contoso.test:8443", (string?)document["servers"]![0]!["url"]);
    }

    [Fact]
    public async Task EveryErrorResponseResolvesCodeToARequiredStringNarrowedToItsCodes()
    {
        await using var app = await AuthApp.StartAsync();
        var document = await (await app.Api().GetAsync("/api/openapi.json")).Json();
        var schemas = document["components"]!["schemas"]!;

        // What a generator sees for `code` in one schema, following $ref and allOf as it would.
        IEnumerable<(JsonNode Code, bool Required)> CodesIn(JsonNode schema)
        {
            if (schema["$ref"] is { } reference)
            {
                schema = schemas[((string)reference!).Split('/')[^1]]!;
            }

            var required = schema["required"]?.AsArray().Any(r => (string?)r == "code") == true;
            if (schema["properties"]?["code"] is { } code)
            {
                yield return (code, required);
            }

            foreach (var part in schema["allOf"]?.AsArray() ?? [])
            {
                foreach (var found in CodesIn(part!))
                {
                    yield return found;
                }
            }
        }

        // Every code the app has (its constants).
        var known = typeof(Auth.Functions.Http.ProblemCodes).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        var errors = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var (status, response) in operation!["responses"]!.AsObject().Where(r => r.Key[0] is '4' or '5'))
                {
                    var where = $"{method.ToUpperInvariant()} {path} {status}";
                    var schema = response!["content"]?["application/problem+json"]?["schema"];
                    Assert.True(schema is not null, where + ": no problem+json schema");
                    var codes = CodesIn(schema!).ToList();
                    Assert.True(codes.Count > 0, where + ": no code");
                    Assert.All(codes, c => Assert.True((string?)c.Code["type"] == "string", where + ": code is not typed as a string"));
                    Assert.Contains(codes, c => c.Required);
                    var narrowed = codes.Single(c => c.Code["enum"] is not null).Code["enum"]!.AsArray().Select(c => (string)c!).ToList();
                    Assert.True(narrowed.Count > 0, where);
                    Assert.All(narrowed, c => Assert.Contains(c, known));
                    errors++;
                }
            }
        }

        Assert.True(errors > 20, $"only {errors} error responses");
    }
}
