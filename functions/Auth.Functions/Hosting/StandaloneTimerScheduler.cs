using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace Auth.Functions.Hosting;

/// <summary>
/// The standalone server's timer trigger: each timer function's schedule, with <c>%Setting%</c>
/// resolved from configuration as the host does, parsed by NCrontab (the host's own parser) and
/// read in UTC. A failed run is logged and the function fires again at its next occurrence.
/// </summary>
public sealed partial class StandaloneTimerScheduler(
    IServiceProvider services,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<StandaloneTimerScheduler> logger) : BackgroundService
{
    /// <summary>Fails start-up on a schedule that cannot be parsed, rather than at the first run.</summary>
    public static void ValidateSchedules(IConfiguration configuration)
    {
        foreach (var function in FunctionCatalog.Timer)
        {
            _ = Resolve(function, configuration);
        }
    }

    /// <summary>The function's schedule, a <c>%Setting%</c> read from configuration (absent is an error, as under the host).</summary>
    public static CrontabSchedule Resolve(TimerFunction function, IConfiguration configuration)
    {
        var expression = function.Schedule;
        if (expression.Length > 2 && expression[0] == '%' && expression[^1] == '%')
        {
            var setting = expression[1..^1];
            expression = configuration[setting] is { Length: > 0 } configured
                ? configured
                : throw new InvalidOperationException($"{function.Name}: the setting {setting} that holds its schedule is not set.");
        }

        return CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
            ?? CrontabSchedule.TryParse(expression)
            ?? throw new FormatException($"{function.Name}: '{expression}' is not an NCRONTAB schedule (six fields with seconds, or five).");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(FunctionCatalog.Timer.Select(f => RunOnScheduleAsync(f, stoppingToken)));

    private async Task RunOnScheduleAsync(TimerFunction function, CancellationToken stoppingToken)
    {
        var schedule = Resolve(function, configuration);
        DateTime? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
                var info = new TimerInfo
                {
                    ScheduleStatus = new ScheduleStatus
                    {
                        Last = last ?? default,
                        Next = schedule.GetNextOccurrence(next.UtcDateTime),
                        LastUpdated = clock.GetUtcNow().UtcDateTime,
                    },
                };
                last = next.UtcDateTime;
                await function.Invoke(services, info, stoppingToken);
                LogRan(logger, function.Name);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Like the host: logged, and it fires again at the next occurrence.
                LogFailed(logger, e, function.Name);
            }
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "{Function} ran on schedule.")]
    private static partial void LogRan(ILogger logger, string function);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "{Function} failed; it runs again at the next occurrence.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}
