using Auth.Functions.Hosting;

namespace Auth.Functions.Tests.Unit;

public sealed class QueueTriggerOptionsTests
{
    [Fact]
    public void StandaloneTakesItsQueueSemanticsFromTheShippedHostJson()
    {
        var options = new QueueTriggerOptions();

        QueueTriggerOptions.ApplyHostJson(options, AppContext.BaseDirectory);

        Assert.Equal(5, options.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(30), options.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollingInterval);
    }

    [Fact]
    public void WithoutHostJsonTheHostsOwnDefaultsApply()
    {
        var options = new QueueTriggerOptions();

        QueueTriggerOptions.ApplyHostJson(options, Directory.CreateTempSubdirectory().FullName);

        Assert.Equal(5, options.MaxDequeueCount);
        Assert.Equal(TimeSpan.Zero, options.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxPollingInterval);
    }
}
