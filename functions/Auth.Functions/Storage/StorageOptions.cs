using System.Text.RegularExpressions;

namespace Auth.Functions.Storage;

public sealed partial class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Prefix of every table name (letters and digits), so several deployments or test runs can share an account.</summary>
    public string TablePrefix { get; set; } = "auth";

    /// <summary>
    /// Prefix of queue names, for standalone runs that share a storage account (the tests). Leave it
    /// empty under the Functions host: the host reads queue names from function.json as they are.
    /// </summary>
    public string QueuePrefix { get; set; } = "";

    public string QueueName(string name) => QueuePrefix + name;

    /// <summary>How long a request waits for storage to become ready (start-up, or after an outage) before answering 503.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of one storage call (within the request's budget).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Longest wait for one try of one storage call (background work has no other bound).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Storage time one request may spend, across all its storage calls and their retries; past it the
    /// request answers 503 <c>storage_unavailable</c>.
    /// </summary>
    public TimeSpan RequestBudget { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsValidPrefix() => PrefixPattern().IsMatch(TablePrefix);

    public bool IsValidQueuePrefix() => QueuePrefix.Length == 0 || QueuePrefixPattern().IsMatch(QueuePrefix);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,40}$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,30}$")]
    private static partial Regex QueuePrefixPattern();
}
