using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Auth.Functions.Storage;

/// <summary>
/// Builds the storage clients from the standard Functions setting <c>AzureWebJobsStorage</c>: a
/// connection string locally, or identity-based in Azure (<c>AzureWebJobsStorage__accountName</c>,
/// <c>__credential</c>, <c>__clientId</c>, optionally <c>__tableServiceUri</c>/<c>__queueServiceUri</c>).
/// </summary>
public sealed record StorageClientPair(TableServiceClient Tables, QueueServiceClient Queues);

/// <summary>A policy added to every storage client's pipeline (tests pause requests here, at exact points).</summary>
public sealed record StoragePipelinePolicy(HttpPipelinePolicy Policy, HttpPipelinePosition Position);

public static class StorageClients
{
    public const string Setting = "AzureWebJobsStorage";

    public static StorageClientPair Create(IConfiguration configuration, StorageOptions options, IEnumerable<StoragePipelinePolicy>? policies = null)
    {
        var tableOptions = new TableClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        foreach (var client in new ClientOptions[] { tableOptions, queueOptions })
        {
            // Bounded retries with back-off, all within the request's storage budget: storage that
            // refuses or hangs answers 503 within the budget instead of holding the request.
            client.Retry.Mode = RetryMode.Exponential;
            client.Retry.MaxRetries = options.MaxRetries;
            client.Retry.Delay = TimeSpan.FromMilliseconds(200);
            client.Retry.MaxDelay = TimeSpan.FromSeconds(1);
            client.Retry.NetworkTimeout = options.NetworkTimeout;
            client.AddPolicy(new StorageBudget.Policy(options.NetworkTimeout), HttpPipelinePosition.PerRetry);
            foreach (var extra in policies ?? [])
            {
                client.AddPolicy(extra.Policy, extra.Position);
            }
        }

        var connectionString = configuration[Setting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new(new TableServiceClient(connectionString, tableOptions), new QueueServiceClient(connectionString, queueOptions));
        }

        var section = configuration.GetSection(Setting);
        var accountName = section["accountName"];
        var tableUri = section["tableServiceUri"] ?? (accountName is null ? null : $"https://{accountName}.table.core.windows.net");
        var queueUri = section["queueServiceUri"] ?? (accountName is null ? null : $"https://{accountName}.queue.core.windows.net");
        if (tableUri is null || queueUri is null)
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set '{Setting}' to a connection string, or '{Setting}__accountName' " +
                $"(with '{Setting}__credential=managedidentity' and '{Setting}__clientId') for an identity-based connection.");
        }

        var credential = Identity.AzureCredentials.Create(section["credential"], section["clientId"]);
        return new(new TableServiceClient(new Uri(tableUri), credential, tableOptions),
                new QueueServiceClient(new Uri(queueUri), credential, queueOptions));
    }
}
