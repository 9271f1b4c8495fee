using Auth.Functions.Hosting;
using Auth.Functions.Storage;

namespace Auth.Functions.Purge;

public static partial class PurgeServiceCollectionExtensions
{
    /// <summary>The PurgeExpiredTokens timer function.</summary>
    public static IServiceCollection AddPurge(this IServiceCollection services)
    {
        services.AddSingleton<PurgeService>();
        services.AddSingleton<ITimerFunction, PurgeExpiredTokensFunction>();
        return services;
    }

    private sealed partial class PurgeExpiredTokensFunction(PurgeService purge, StorageInitializer storage, ILogger<PurgeService> logger) : ITimerFunction
    {
        public string FunctionName => "PurgeExpiredTokens";

        public async Task<string> RunAsync(CancellationToken cancellationToken)
        {
            // The host may fire it right after start-up, before the tables exist.
            await storage.EnsureReadyAsync(cancellationToken);
            var result = await purge.RunAsync(cancellationToken);
            LogPurged(logger, result.Sessions, result.ApiKeys, result.ResetTokens, result.OrphanEmailRows, result.Throttles, result.Deferred, result.IndexRowsRead);
            return result.ToString();
        }

        [LoggerMessage(EventId = 1060, Level = LogLevel.Information,
            Message = "Purge: {Sessions} sessions, {ApiKeys} API keys, {ResetTokens} reset tokens, {OrphanEmailRows} orphan email rows, {Throttles} stale counters deleted; {Deferred} not yet due; {IndexRowsRead} index rows read.")]
        private static partial void LogPurged(ILogger logger, int sessions, int apiKeys, int resetTokens, int orphanEmailRows, int throttles, int deferred, int indexRowsRead);
    }
}
