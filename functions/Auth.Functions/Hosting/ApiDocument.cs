using Auth.Functions.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.FileProviders;
using Microsoft.OpenApi;

namespace Auth.Functions.Hosting;

/// <summary>
/// The OpenAPI document, generated once per process from the function methods (their routes,
/// methods and documentation attributes) by ASP.NET Core's generator, so it is the same under both
/// hosts and cannot drift from what is served.
/// </summary>
public sealed class ApiDocument
{
    public const string Title = "Auth.Functions";
    private const string DocumentName = "v1";
    private const string Scheme = "bearerKey";

    private readonly Lazy<Task<string>> _json = new(GenerateAsync);

    public Task<string> GetJsonAsync() => _json.Value;

    private static async Task<string> GenerateAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new DocumentEnvironment());
        services.AddSingleton<EndpointDataSource>(new FunctionEndpoints.DataSource(FunctionEndpoints.Build()));
        services.AddRouting();
        services.ConfigureHttpJsonOptions(o => AppServices.UseFeatureJson(o.SerializerOptions));
        services.AddOpenApi(DocumentName, Configure);
        await using var provider = services.BuildServiceProvider();
        var document = await provider.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName).GetOpenApiDocumentAsync();
        return await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);
    }

    private static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = Title;
            document.Info.Version = DocumentName;
            document.Info.Description =
                "Email + password accounts, 24-hour session keys and long-lived API keys. " +
                "Authenticate with 'Authorization: Bearer <key>' (or Basic base64(email:key)). " +
                "Every error is application/problem+json with a stable 'code'.";
            document.Servers = [];
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
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiresKeyAttribute>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] }];
            }

            return Task.CompletedTask;
        });
    }

    private sealed class DocumentEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = typeof(ApiDocument).Assembly.GetName().Name!;

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

/// <summary>OpenApi: the document, served from memory.</summary>
public sealed class OpenApiFunction(ApiPipeline api, ApiDocument document)
{
    [Function(nameof(OpenApi))]
    [ExcludeFromDescription]
    public Task<IResult> OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest request) =>
        api.RunAsync(request, ApiPolicy.Static, async (_, _) => Results.Text(await document.GetJsonAsync(), "application/json; charset=utf-8"));
}
