namespace Auth.Functions.Accounts;

public sealed class SessionOptions
{
    public const string Section = "Sessions";

    /// <summary>Absolute lifetime of a session key; using the key never extends it.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);
}
