namespace Auth.Functions.Hosting;

public static class TriggerServiceCollectionExtensions
{
    /// <summary>
    /// Who drives the queue (and timer) functions: the Functions host through invocation endpoints,
    /// or, standalone, the app's own listeners with the host's semantics.
    /// </summary>
    public static IServiceCollection AddTriggers(this IServiceCollection services, HostingMode mode)
    {
        services.AddOptions<QueueTriggerOptions>()
            .Configure(o => QueueTriggerOptions.ApplyHostJson(o, FunctionManifest.DefaultAppRoot()))
            .BindConfiguration(QueueTriggerOptions.Section)
            .Validate(o => o.MaxDequeueCount >= 1 && o.BatchSize is >= 1 and <= 32, $"{QueueTriggerOptions.Section}: MaxDequeueCount >= 1, BatchSize 1-32.")
            .ValidateOnStart();
        if (!mode.UnderFunctionsHost)
        {
            services.AddHostedService<StandaloneQueueListener>();
            services.AddHostedService<StandaloneTimerScheduler>();
        }

        return services;
    }

    public static WebApplication MapTriggers(this WebApplication app, HostingMode mode)
    {
        var manifest = app.Services.GetRequiredService<FunctionManifest>();
        foreach (var function in app.Services.GetServices<IQueueFunction>())
        {
            manifest.Get(function.FunctionName, "queueTrigger");
            manifest.MarkMapped(function.FunctionName);
        }

        foreach (var function in app.Services.GetServices<ITimerFunction>())
        {
            // Fails start-up on a bad schedule rather than at the first run.
            TimerSchedules.Resolve(manifest.Get(function.FunctionName, "timerTrigger"), app.Configuration);
            manifest.MarkMapped(function.FunctionName);
        }

        if (mode.UnderFunctionsHost)
        {
            app.MapQueueInvocations();
            app.MapTimerInvocations();
        }

        return app;
    }
}
