using Auth.Functions.Accounts;
using Auth.Functions.Health;
using Auth.Functions.Hosting;
using Auth.Functions.Http;
using Auth.Functions.Passwords;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;

var builder = WebApplication.CreateSlimBuilder(args);

// Standalone on :7071, or on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT under the Functions host.
builder.UseHostingMode(HostingMode.FromEnvironment());
// Routes, methods, schedules and queues come from the */function.json files next to the executable.
builder.Services.AddSingleton(FunctionManifest.Load(FunctionManifest.DefaultAppRoot()));
// Source-generated JSON, strict about types.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
// Table and queue clients from AzureWebJobsStorage; tables created once, after start-up.
builder.Services.AddStorage();
// Users, sessions, API keys, password hashing, login throttling.
builder.Services.AddAccounts();
// Per-address limits on anonymous endpoints that create work.
builder.Services.AddRateLimits();
// The OpenAPI document served by the OpenApi function.
builder.Services.AddApiDocument();

var app = builder.Build();

app.UseApiPipeline();

var authenticated = app.MapGroup("").RequireKey();
app.MapAccounts(authenticated);
authenticated.MapTokens();
authenticated.MapPasswords();
app.MapHealth();
app.MapApiDocument();
app.Services.GetRequiredService<FunctionManifest>().EnsureEveryHttpFunctionIsMapped();

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
