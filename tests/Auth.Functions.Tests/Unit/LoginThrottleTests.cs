using Auth.Functions.Accounts;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Auth.Functions.Tests.Unit;

public sealed class LoginThrottleTests
{
    private static LoginThrottle Throttle() => new(null!, null!, null!, new FakeTimeProvider(), Options.Create(new LoginThrottleOptions()));

    [Fact]
    public void TheFirstFiveFailuresCostNothing()
    {
        var throttle = Throttle();

        Assert.All(Enumerable.Range(0, 5), n => Assert.Equal(TimeSpan.Zero, throttle.DelayFor(n)));
    }

    [Fact]
    public void BackOffDoublesFromTheFifthFailureAndIsCapped()
    {
        var throttle = Throttle();

        Assert.Equal(TimeSpan.FromSeconds(5), throttle.DelayFor(5));
        Assert.Equal(TimeSpan.FromSeconds(10), throttle.DelayFor(6));
        Assert.Equal(TimeSpan.FromSeconds(20), throttle.DelayFor(7));
        Assert.Equal(TimeSpan.FromMinutes(15), throttle.DelayFor(20));
        Assert.Equal(TimeSpan.FromMinutes(15), throttle.DelayFor(int.MaxValue));
    }
}
