using Auth.Functions.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Purge;

/// <summary>PurgeExpiredTokens: on the <c>PurgeSchedule</c> setting (hourly unless set), deletes what has expired.</summary>
public sealed partial class PurgeFunction(PurgeService purge, StorageInitializer storage, ILogger<PurgeFunction> logger)
{
    /// <summary>The app setting that holds the schedule (six-field NCRONTAB, UTC).</summary>
    public const string ScheduleSetting = "PurgeSchedule";

    /// <summary>Hourly, on the hour: what the Bicep sets, and what the standalone server uses when the setting is absent.</summary>
    public const string DefaultSchedule = "0 0 * * * *";

    [Function(nameof(PurgeExpiredTokens))]
    public async Task PurgeExpiredTokens([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        // The host may fire it right after start-up, before the tables exist.
        await storage.EnsureReadyAsync(cancellationToken);
        var result = await purge.RunAsync(cancellationToken);
        LogPurged(logger, result.Sessions, result.ApiKeys, result.ResetTokens, result.OrphanEmailRows, result.Throttles, result.Events, result.Deferred, result.IndexRowsRead);
    }

    [LoggerMessage(EventId = 1060, Level = LogLevel.Information,
        Message = "Purge: {Sessions} sessions, {ApiKeys} API keys, {ResetTokens} reset tokens, {OrphanEmailRows} orphan email rows, {Throttles} stale counters, {Events} security events deleted; {Deferred} not yet due; {IndexRowsRead} index rows read.")]
    private static partial void LogPurged(ILogger logger, int sessions, int apiKeys, int resetTokens, int orphanEmailRows, int throttles, int events, int deferred, int indexRowsRead);
}
