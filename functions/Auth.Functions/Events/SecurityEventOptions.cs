namespace Auth.Functions.Events;

public sealed class SecurityEventOptions
{
    public const string Section = "Events";

    /// <summary>How long events are kept; the purge deletes them, a day at a time, after that.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);
}
