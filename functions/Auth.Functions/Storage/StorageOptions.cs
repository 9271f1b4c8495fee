using System.Text.RegularExpressions;

namespace Auth.Functions.Storage;

public sealed partial class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Prefix of every table name (letters and digits), so several deployments or test runs can share an account.</summary>
    public string TablePrefix { get; set; } = "auth";

    /// <summary>How long a request waits for storage to become ready (start-up, or after an outage) before answering 503.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of one storage call before the request gives up with 503.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Time budget of one storage call (per try).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsValidPrefix() => PrefixPattern().IsMatch(TablePrefix);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,40}$")]
    private static partial Regex PrefixPattern();
}
