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
}
