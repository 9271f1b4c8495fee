using Auth.Functions.Hosting;

namespace Auth.Functions.Tests.Unit;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 22, 47, TimeSpan.Zero);

    [Theory]
    [InlineData("0 0 * * * *", "2026-11-24T11:00:00Z")]
    [InlineData("0 */5 * * * *", "2026-11-24T10:25:00Z")]
    [InlineData("30 22 10 * * *", "2026-11-25T10:22:30Z")]
    [InlineData("0 0 0 1 1 *", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 9 * * 1-5", "2026-11-25T09:00:00Z")]
    [InlineData("0 0 9 * * 0", "2026-11-29T09:00:00Z")]
    [InlineData("* * * * * *", "2026-11-24T10:22:48Z")]
    [InlineData("0 15,45 * * * *", "2026-11-24T10:45:00Z")]
    public void TheNextOccurrenceIsTheFirstStrictlyAfter(string expression, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), CronSchedule.Parse(expression).Next(At));

    [Theory]
    [InlineData("0 0 * * *")]
    [InlineData("0 60 * * * *")]
    [InlineData("x 0 * * * *")]
    [InlineData("0 0 5-2 * * *")]
    public void MalformedExpressionsAreRefused(string expression) =>
        Assert.Throws<FormatException>(() => CronSchedule.Parse(expression));

    [Fact]
    public void TheShippedPurgeScheduleIsHourlyByDefault()
    {
        var manifest = FunctionManifest.Load(AppContext.BaseDirectory);
        var purge = manifest.Get("PurgeExpiredTokens", "timerTrigger");
        var schedule = TimerSchedules.Resolve(purge, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());

        Assert.Equal("%PurgeSchedule%", purge.Schedule);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 0, 0, TimeSpan.Zero), schedule.Next(At));
    }
}
