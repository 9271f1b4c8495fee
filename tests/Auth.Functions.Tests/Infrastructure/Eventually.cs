namespace Auth.Functions.Tests.Infrastructure;

/// <summary>Polls for something that happens in the background (a queue drained, a timer fired).</summary>
public static class Eventually
{
    /// <summary>True as soon as the condition holds; false if it still does not at the deadline.</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }
    }

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), timeout);
}
