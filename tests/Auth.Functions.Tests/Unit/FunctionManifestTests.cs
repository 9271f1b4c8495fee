using Auth.Functions.Hosting;

namespace Auth.Functions.Tests.Unit;

public sealed class FunctionManifestTests
{
    [Fact]
    public void AnHttpFunctionDefinitionGivesItsRouteAndUpperCaseMethods()
    {
        var f = FunctionManifest.Parse("DeleteToken", """
            { "bindings": [
              { "type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", "methods": ["delete"], "route": "api/tokens/{id}" },
              { "type": "http", "direction": "out", "name": "res" } ] }
            """);

        Assert.Equal("httpTrigger", f.TriggerType);
        Assert.Equal("api/tokens/{id}", f.Route);
        Assert.Equal(["DELETE"], f.Methods);
    }

    [Fact]
    public void AFunctionWithoutExactlyOneTriggerIsRefused() =>
        Assert.Throws<InvalidOperationException>(() => FunctionManifest.Parse("Broken", """{ "bindings": [ { "type": "http", "direction": "out", "name": "res" } ] }"""));

    [Fact]
    public void TheShippedDefinitionsHaveOneHttpFunctionPerEndpoint()
    {
        var manifest = FunctionManifest.Load(AppContext.BaseDirectory);
        var http = manifest.Functions.Where(f => f.TriggerType == "httpTrigger").ToDictionary(f => f.Name);

        foreach (var name in new[] { "Register", "Login", "LoginBasic", "Logout", "Me", "ChangePassword", "CreateToken", "ListTokens", "DeleteToken", "RevokeAllTokens", "Health", "OpenApi" })
        {
            Assert.True(http.ContainsKey(name), $"{name}/function.json is missing");
            Assert.StartsWith("api/", http[name].Route, StringComparison.Ordinal);
            Assert.Single(http[name].Methods);
        }

        // Every route+method pair is unique: one function per endpoint, no catch-all.
        var pairs = http.Values.Select(f => $"{f.Methods[0]} {f.Route}").ToList();
        Assert.Equal(pairs.Count, pairs.Distinct().Count());
        Assert.DoesNotContain(http.Values, f => f.Route!.Contains('*', StringComparison.Ordinal));
    }
}
