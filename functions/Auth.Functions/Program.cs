using Auth.Functions.Accounts;
using Auth.Functions.Email;
using Auth.Functions.Health;
using Auth.Functions.Hosting;
using Auth.Functions.Http;
using Auth.Functions.Passwords;
using Auth.Functions.Purge;
using Auth.Functions.Recovery;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;

var builder = WebApplication.CreateSlimBuilder(args);
var mode = HostingMode.FromEnvironment();

// Standalone on :7071, or on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT under the Functions host.
builder.UseHostingMode(mode);
// Routes, methods, schedules and queues come from the */function.json files next to the executable.
builder.Services.AddSingleton(FunctionManifest.Load(FunctionManifest.DefaultAppRoot()));
// Source-generated JSON, strict about types.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
// Table and queue clients from AzureWebJobsStorage; tables and queues created once, after start-up.
builder.Services.AddStorage();
// Users, sessions, API keys, password hashing, login throttling.
builder.Services.AddAccounts();
// Forgot/reset password: the reset queue and its worker.
builder.Services.AddRecovery();
// The reset email's sender: pickup folder, SMTP or Azure Communication Services.
builder.Services.AddEmail();
// The hourly purge of expired keys, reset tokens and stale counters.
builder.Services.AddPurge();
// Queue and timer functions: driven by the Functions host, or standalone by the app itself.
builder.Services.AddTriggers(mode);
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
app.MapRecovery();
app.MapHealth();
app.MapApiDocument();
app.MapTriggers(mode);
app.Services.GetRequiredService<FunctionManifest>().EnsureEveryFunctionHasAHandler();

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
