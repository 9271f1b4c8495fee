namespace Auth.Functions.Hosting;

public static class OpenApiSetup
{
    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Auth.Functions";
            document.Info.Version = "v1";
            document.Info.Description =
                "Email + password accounts, 24-hour session keys and long-lived API keys. " +
                "Authenticate with 'Authorization: Bearer <key>' (or Basic base64(email:key)). " +
                "Every error is application/problem+json with a stable 'code'.";
            return Task.CompletedTask;
        }));

    /// <summary>The OpenApi function serves the document generated from the mapped endpoints.</summary>
    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        var manifest = app.ServiceProvider.GetRequiredService<FunctionManifest>();
        var function = manifest.Get("OpenApi", "httpTrigger");
        manifest.MarkMapped(function.Name);
        app.MapOpenApi(function.Route!).WithName(function.Name).ExcludeFromDescription();
        return app;
    }
}
