namespace Auth.Functions.Hosting;

/// <summary>A timer-triggered function: the same handler runs under the Functions host and standalone.</summary>
public interface ITimerFunction
{
    string FunctionName { get; }

    /// <summary>Does one run; returns a summary for the log. Throws to fail the run.</summary>
    Task<string> RunAsync(CancellationToken cancellationToken);
}

public static class TimerSchedules
{
    /// <summary>Hourly, on the hour: what %PurgeSchedule% means when the setting is absent (standalone only).</summary>
    public const string DefaultSchedule = "0 0 * * * *";

    /// <summary>The function.json schedule, with <c>%Setting%</c> resolved from configuration as the host does.</summary>
    public static CronSchedule Resolve(FunctionDefinition function, IConfiguration configuration)
    {
        var schedule = function.Schedule ?? throw new InvalidOperationException($"{function.Name}/function.json has no schedule.");
        if (schedule.Length > 2 && schedule[0] == '%' && schedule[^1] == '%')
        {
            schedule = configuration[schedule[1..^1]] is { Length: > 0 } configured ? configured : DefaultSchedule;
        }

        return CronSchedule.Parse(schedule);
    }
}

/// <summary>Standalone mode's stand-in for the timer trigger: the same schedule, the same handler.</summary>
public sealed partial class StandaloneTimerScheduler(
    IEnumerable<ITimerFunction> functions,
    FunctionManifest manifest,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<StandaloneTimerScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(functions.Select(f => RunOnScheduleAsync(f, stoppingToken)));

    private async Task RunOnScheduleAsync(ITimerFunction function, CancellationToken stoppingToken)
    {
        var schedule = TimerSchedules.Resolve(manifest.Get(function.FunctionName, "timerTrigger"), configuration);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = schedule.Next(now);
            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
                var summary = await function.RunAsync(stoppingToken);
                LogRan(logger, function.FunctionName, summary);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Like the host: logged, and it fires again at the next occurrence.
                LogFailed(logger, e, function.FunctionName);
            }
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "{Function}: {Summary}.")]
    private static partial void LogRan(ILogger logger, string function, string summary);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "{Function} failed; it runs again at the next occurrence.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}
