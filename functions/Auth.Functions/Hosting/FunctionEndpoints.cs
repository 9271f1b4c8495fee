namespace Auth.Functions.Hosting;

public static class FunctionEndpoints
{
    /// <summary>Maps one HTTP function: route and methods come from its function.json, never from code.</summary>
    public static RouteHandlerBuilder MapFunction(this IEndpointRouteBuilder app, string name, Delegate handler)
    {
        var manifest = app.ServiceProvider.GetRequiredService<FunctionManifest>();
        var function = manifest.Get(name, "httpTrigger");
        if (function.Route is null || function.Methods.Count == 0)
        {
            throw new InvalidOperationException($"Function '{name}' needs a route and methods in its function.json.");
        }

        manifest.MarkMapped(name);
        return app.MapMethods(function.Route, function.Methods, handler).WithName(name);
    }
}
