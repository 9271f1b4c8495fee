using Auth.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace Auth.Functions.Tests.Unit;

/// <summary>The standalone server reads timer schedules as the host does: %Setting%, NCrontab, UTC.</summary>
public sealed class TimerScheduleTests
{
    private static readonly DateTime At = new(2026, 11, 24, 10, 17, 3, DateTimeKind.Utc);

    private static TimerFunction Purge => Assert.Single(FunctionCatalog.Timer);

    private static IConfiguration Settings(string? schedule) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PurgeSchedule"] = schedule }).Build();

    [Fact]
    public void ThePurgeScheduleComesFromThePurgeScheduleSetting()
    {
        Assert.Equal("%PurgeSchedule%", Purge.Schedule);
        Assert.Equal(new DateTime(2026, 11, 24, 11, 0, 0, DateTimeKind.Utc), StandaloneTimerScheduler.Resolve(Purge, Settings("0 0 * * * *")).GetNextOccurrence(At));
        Assert.Equal(new DateTime(2026, 11, 24, 10, 30, 0, DateTimeKind.Utc), StandaloneTimerScheduler.Resolve(Purge, Settings("0 */15 * * * *")).GetNextOccurrence(At));
    }

    [Fact]
    public void FiveFieldExpressionsAreReadWithoutSeconds() =>
        Assert.Equal(new DateTime(2026, 11, 25, 3, 0, 0, DateTimeKind.Utc), StandaloneTimerScheduler.Resolve(Purge, Settings("0 3 * * *")).GetNextOccurrence(At));

    [Theory]
    [InlineData("every hour")]
    [InlineData("0 0 25 * * *")]
    [InlineData("0 0 * * * * *")]
    public void AnExpressionNCrontabRefusesIsAnError(string expression) =>
        Assert.Throws<FormatException>(() => StandaloneTimerScheduler.Resolve(Purge, Settings(expression)));

    [Fact]
    public void AnAbsentSettingIsAnErrorNamingIt() =>
        Assert.Contains("PurgeSchedule", Assert.Throws<InvalidOperationException>(() => StandaloneTimerScheduler.Resolve(Purge, Settings(null))).Message, StringComparison.Ordinal);
}
