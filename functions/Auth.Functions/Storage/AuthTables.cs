using Azure.Data.Tables;

namespace Auth.Functions.Storage;

/// <summary>The tables of the service, named once from configuration.</summary>
public sealed class AuthTables(TableServiceClient service, StorageOptions options)
{
    /// <summary>Users, with their sessions, API keys and reset tokens in the user's partition.</summary>
    public TableClient Users { get; } = service.GetTableClient(options.TablePrefix + "users");
    public TableClient Emails { get; } = service.GetTableClient(options.TablePrefix + "emails");
    public TableClient Throttles { get; } = service.GetTableClient(options.TablePrefix + "throttles");
    public TableClient Expiry { get; } = service.GetTableClient(options.TablePrefix + "expiry");

    public IEnumerable<TableClient> All => [Users, Emails, Throttles, Expiry];
}
