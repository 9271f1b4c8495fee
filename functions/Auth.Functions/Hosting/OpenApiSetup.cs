using Microsoft.OpenApi;

namespace Auth.Functions.Hosting;

/// <summary>Marks an endpoint that needs a key, so the document says so.</summary>
public sealed class RequiresKeyMetadata;

public static class OpenApiSetup
{
    private const string Scheme = "bearerKey";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Auth.Functions";
                document.Info.Version = "v1";
                document.Info.Description =
                    "Email + password accounts, 24-hour session keys and long-lived API keys. " +
                    "Authenticate with 'Authorization: Bearer <key>' (or Basic base64(email:key)). " +
                    "Every error is application/problem+json with a stable 'code'.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A session key (afs_sess_…) or API key (afs_api_…). Basic base64(email:key) is accepted too.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiresKeyMetadata>().Any())
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] }];
                }

                return Task.CompletedTask;
            });
        });

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
