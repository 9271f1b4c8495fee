using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Functions.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.WebUtilities;
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
    private const string AdminScheme = "adminKey";

    private readonly Lazy<Task<string>> _json = new(GenerateAsync);

    /// <summary>The document, its <c>servers</c> entry naming <paramref name="origin"/> (scheme and host, no trailing slash).</summary>
    public async Task<string> GetJsonAsync(string origin) =>
        (await _json.Value).Replace(ServerPlaceholder, JsonSerializer.Serialize(origin.TrimEnd('/')), StringComparison.Ordinal);

    /// <summary>Where each request's origin goes: the document is generated once, the origin differs per request.</summary>
    private static readonly string ServerPlaceholder = JsonSerializer.Serialize("{" + Guid.NewGuid().ToString("N") + "}");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static async Task<string> GenerateAsync()
    {
        var endpoints = FunctionEndpoints.Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new DocumentEnvironment());
        services.AddSingleton<EndpointDataSource>(new FunctionEndpoints.DataSource(endpoints));
        services.AddRouting();
        services.ConfigureHttpJsonOptions(o => AppServices.UseFeatureJson(o.SerializerOptions));
        services.AddOpenApi(DocumentName, Configure);
        await using var provider = services.BuildServiceProvider();
        var document = await provider.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName).GetOpenApiDocumentAsync();
        return Complete(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1), endpoints);
    }

    /// <summary>
    /// What ASP.NET Core's generator cannot be told through metadata, added to its output: an explicit
    /// <c>security: []</c> on anonymous operations, path parameters (the functions bind none), success
    /// answers without a body (it drops them), the problem codes each error status can carry, and the
    /// tags' descriptions.
    /// </summary>
    private static string Complete(string json, IReadOnlyList<Endpoint> endpoints)
    {
        var document = JsonNode.Parse(json)!.AsObject();
        var byName = endpoints.ToDictionary(e => e.DisplayName!);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (_, node) in item!.AsObject())
            {
                var operation = node!.AsObject();
                var metadata = byName[(string)operation["operationId"]!].Metadata;
                operation.TryAdd("security", new JsonArray());
                var parameters = RoutePatternFactory.Parse(path).Parameters;
                if (parameters.Count > 0)
                {
                    operation["parameters"] = new JsonArray([.. parameters.Select(p => (JsonNode)new JsonObject
                    {
                        ["name"] = p.Name,
                        ["in"] = "path",
                        ["required"] = true,
                        ["schema"] = new JsonObject { ["type"] = "string" },
                    })]);
                }

                var responses = operation["responses"]!.AsObject();
                foreach (var success in metadata.GetOrderedMetadata<ResponseAttribute>())
                {
                    responses.TryAdd(success.StatusCode.ToString(CultureInfo.InvariantCulture),
                        new JsonObject { ["description"] = ReasonPhrases.GetReasonPhrase(success.StatusCode) });
                }

                foreach (var problem in metadata.GetOrderedMetadata<ProblemResponse>())
                {
                    var response = responses[problem.StatusCode.ToString(CultureInfo.InvariantCulture)]!.AsObject();
                    response["description"] = $"{ReasonPhrases.GetReasonPhrase(problem.StatusCode)}: {string.Join(", ", problem.Codes.Select(c => $"`{c}`"))}.";
                    response["content"]!["application/problem+json"]!["schema"] = new JsonObject
                    {
                        ["allOf"] = new JsonArray(
                            new JsonObject { ["$ref"] = "#/components/schemas/" + nameof(ProblemBody) },
                            new JsonObject
                            {
                                // Typed, not only an enum: a generated client reads `code` as a string.
                                ["type"] = "object",
                                ["required"] = new JsonArray("code"),
                                ["properties"] = new JsonObject
                                {
                                    ["code"] = new JsonObject
                                    {
                                        ["type"] = "string",
                                        ["enum"] = new JsonArray([.. problem.Codes.Select(c => (JsonNode)c)]),
                                    },
                                },
                            }),
                    };
                }

                // Sorted by status, as readers expect.
                var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, Node: r.Value!.DeepClone())).ToList();
                responses.Clear();
                foreach (var (status, response) in sorted)
                {
                    responses[status] = response;
                }
            }
        }

        DeclareProblemBody(document["components"]!["schemas"]![nameof(ProblemBody)]!.AsObject());
        document.Insert(document.IndexOf("paths"), "servers", new JsonArray(new JsonObject { ["url"] = JsonNode.Parse(ServerPlaceholder) }));
        var used = endpoints.SelectMany(e => e.Metadata.GetOrderedMetadata<ApiTagAttribute>()).DistinctBy(t => t.Name);
        document["tags"] = new JsonArray([.. used.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = t.Description })]);
        return document.ToJsonString(Indented);
    }

    /// <summary>
    /// RFC 9457's members as this API always sends them: <c>code</c> a required string (a client switches
    /// on it), <c>errors</c> the only optional one.
    /// </summary>
    private static void DeclareProblemBody(JsonObject schema)
    {
        var properties = schema["properties"]!.AsObject();
        properties["type"] = new JsonObject { ["type"] = "string", ["description"] = "A URI naming the HTTP status." };
        properties["title"] = new JsonObject { ["type"] = "string", ["description"] = "A short, human-readable summary." };
        properties["status"] = new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        properties["code"] = new JsonObject { ["type"] = "string", ["description"] = "The stable, machine-readable error code." };
        schema["type"] = "object";
        schema["required"] = new JsonArray("type", "title", "status", "code");
    }

    private static void Configure(OpenApiOptions options)
    {
        // Preflights are CORS plumbing that every API route answers, not operations.
        options.ShouldInclude = description => !HttpMethods.IsOptions(description.HttpMethod ?? "");
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
            document.Components.SecuritySchemes[AdminScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An admin key (afs_admin_…), minted by the app's executable (admin create-key). Works on /api/admin/* only; a user key there gets 403 forbidden.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiresKeyAttribute>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] }];
            }

            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiresAdminKeyAttribute>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AdminScheme, context.Document)] = [] }];
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
    public Task<IResult> OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.OpenApi)] HttpRequest request) =>
        api.RunAsync(request, ApiPolicy.Static, async (request, _) =>
            Results.Text(await document.GetJsonAsync($"{request.Scheme}://{request.Host}{request.PathBase}"), "application/json; charset=utf-8"));
}
