using Azure;

namespace Auth.Functions.Storage;

/// <summary>Storage did not become ready within the request's budget.</summary>
public sealed class StorageNotReadyException(string message) : Exception(message);

public static class StorageErrors
{
    /// <summary>
    /// True for failures that mean "storage cannot answer now" (network, timeouts, throttling, 5xx).
    /// These become 503 and never "valid": the service fails closed.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        StorageNotReadyException => true,
        StorageBudgetExceededException => true,
        RequestFailedException r when r.Status is 0 or 408 or 429 or >= 500 => true,
        RequestFailedException r when r.ErrorCode is "TableNotFound" or "QueueNotFound" => true,
        HttpRequestException => true,
        TimeoutException => true,
        AggregateException a => a.InnerExceptions.Any(IsOutage),
        _ => exception.InnerException is { } inner && IsOutage(inner),
    };

    /// <summary>The table or queue vanished (a storage account reset): they must be created again.</summary>
    public static bool IsMissingResource(Exception exception) => exception switch
    {
        RequestFailedException r => r.ErrorCode is "TableNotFound" or "QueueNotFound",
        AggregateException a => a.InnerExceptions.Any(IsMissingResource),
        _ => exception.InnerException is { } inner && IsMissingResource(inner),
    };

    public static bool IsConflict(RequestFailedException e) => e.Status == 409;
    public static bool IsPreconditionFailed(RequestFailedException e) => e.Status == 412;
    public static bool IsNotFound(RequestFailedException e) => e.Status == 404;
}
