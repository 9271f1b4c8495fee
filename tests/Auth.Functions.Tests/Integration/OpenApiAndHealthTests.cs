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

        // Key-protected operations say so; anonymous ones do not.
        Assert.NotNull(document["components"]!["securitySchemes"]!["bearerKey"]);
        Assert.NotNull(paths["/api/auth/me"]!["get"]!["security"]);
        Assert.NotNull(paths["/api/tokens"]!["post"]!["security"]);
        Assert.Null(paths["/api/auth/register"]!["post"]!["security"]);
        // Errors are documented as the problem body apps receive, code included.
        var problem = paths["/api/auth/register"]!["post"]!["responses"]!["409"]!["content"]!["application/problem+json"]!["schema"]!;
        var schemaName = ((string)problem["$ref"]!).Split('/')[^1];
        Assert.NotNull(document["components"]!["schemas"]![schemaName]!["properties"]!["code"]);
    }
}
