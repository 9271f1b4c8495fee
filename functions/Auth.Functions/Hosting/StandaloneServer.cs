using Auth.Functions.Http;
using Auth.Functions.Purge;

using Microsoft.AspNetCore.Hosting;

namespace Auth.Functions.Hosting;

/// <summary>
/// The app started on its own (<c>./run.sh</c>, the tests, a container): a plain ASP.NET Core
/// server that serves the HTTP functions at their routes and drives the queue and timer functions
/// itself, as the Functions host would.
/// </summary>
public static class StandaloneServer
{
    public const string DefaultUrl = "http://localhost:7071";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        // Defaults that the Functions host takes from app settings, lowest precedence.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = [new(PurgeFunction.ScheduleSetting, PurgeFunction.DefaultSchedule)],
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bodies over 16 KiB are refused by the API anyway; this bounds what a client can make us read.
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddAuthFunctions();
        builder.Services.AddOptions<QueueTriggerOptions>()
            .Configure(o => QueueTriggerOptions.ApplyHostJson(o, AppContext.BaseDirectory))
            .BindConfiguration(QueueTriggerOptions.Section)
            .Validate(o => o.MaxDequeueCount >= 1 && o.BatchSize is >= 1 and <= 32, $"{QueueTriggerOptions.Section}: MaxDequeueCount >= 1, BatchSize 1-32.")
            .ValidateOnStart();
        builder.Services.AddHostedService<StandaloneQueueListener>();
        builder.Services.AddHostedService<StandaloneTimerScheduler>();

        var app = builder.Build();
        StandaloneTimerScheduler.ValidateSchedules(app.Configuration);

        // What routing answers before any function runs (no route, wrong method, wrong media type)
        // is a problem too, with the same headers the functions' answers carry.
        app.UseStatusCodePages(context =>
        {
            ApiPipeline.ApplyHeaders(context.HttpContext);
            return context.HttpContext.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => Problems.NotFound().ExecuteAsync(context.HttpContext),
                StatusCodes.Status405MethodNotAllowed => Problems.MethodNotAllowed().ExecuteAsync(context.HttpContext),
                StatusCodes.Status415UnsupportedMediaType => Problems.UnsupportedMediaType().ExecuteAsync(context.HttpContext),
                _ => Task.CompletedTask,
            };
        });
        ((IEndpointRouteBuilder)app).DataSources.Add(new FunctionEndpoints.DataSource(FunctionEndpoints.Build()));
        return app;
    }
}
