namespace Auth.Functions.Bench;

/// <summary>A clock the benchmark moves by hand (to make keys expire without waiting).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
