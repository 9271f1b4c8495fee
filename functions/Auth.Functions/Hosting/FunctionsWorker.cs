using Auth.Functions.Http;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;

namespace Auth.Functions.Hosting;

/// <summary>
/// The app started by the Functions host: an isolated worker with the ASP.NET Core integration.
/// The host owns listening, routing to functions, queue polling, retries, poison queues and
/// schedules; the SDK's generated code is the contract with it.
/// </summary>
public static class FunctionsWorker
{
    /// <summary>
    /// True when the Functions host launched this process: it passes the worker its gRPC endpoint
    /// (<c>--functions-uri</c>), or loads the app into its native host (Flex placeholders).
    /// </summary>
    public static bool LaunchedByHost(string[] args) =>
        args.Any(a => a.StartsWith("--functions-uri", StringComparison.Ordinal))
        || AppContext.GetData("AZURE_FUNCTIONS_NATIVE_HOST") is not null
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Functions__Worker__HostEndpoint"));

    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();

        AddTelemetry(builder.Services, builder.Configuration);

        builder.Services.AddAuthFunctions();
        // Behind the Functions front end, which appends the client's address to X-Forwarded-For.
        builder.Services.PostConfigure<RateLimitOptions>(o => o.TrustedProxies ??= 1);
        return builder;
    }

    /// <summary>
    /// Logs, traces and metrics through the Functions pipeline (OpenTelemetry, with the invocation
    /// as the parent span), exported to Application Insights when its connection string is set.
    /// The exporter signs in with the managed identity that APPLICATIONINSIGHTS_AUTHENTICATION_STRING
    /// names (<c>ClientId=…;Authorization=AAD</c>), so no instrumentation secret is needed.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, ConfigurationManager configuration)
    {
        var telemetry = services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        if (string.IsNullOrEmpty(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            return;
        }

        var credential = EntraCredential(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        telemetry.UseAzureMonitorExporter(o =>
        {
            o.ConnectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
            o.Credential = credential;
        });
    }

    /// <summary>The managed identity named by an App Insights authentication string, or null for none.</summary>
    public static Azure.Core.TokenCredential? EntraCredential(string? authenticationString)
    {
        var parts = (authenticationString ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !kind.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Identity.AzureCredentials.Create(Identity.AzureCredentials.ManagedIdentity, parts.GetValueOrDefault("ClientId"));
    }
}
