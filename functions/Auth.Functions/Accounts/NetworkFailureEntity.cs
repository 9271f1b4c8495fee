using Auth.Functions.Storage;

namespace Auth.Functions.Accounts;

/// <summary>Failed logins from one client network across all accounts, in a window: PartitionKey = "spray-" + network.</summary>
public sealed class NetworkFailureEntity : TableRow
{
    public int Failures { get; set; }
    public DateTimeOffset WindowStart { get; set; }
}
