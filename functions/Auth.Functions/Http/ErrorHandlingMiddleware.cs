using Auth.Functions.Passwords;
using Auth.Functions.Storage;

namespace Auth.Functions.Http;

/// <summary>
/// Turns failures into problem details: storage outages into 503 <c>storage_unavailable</c> with
/// <c>Retry-After</c>, a saturated hasher into 429, anything else into a bare 500. Library messages
/// and stack traces go to the log, never to the client.
/// </summary>
public sealed partial class ErrorHandlingMiddleware(RequestDelegate next, StorageInitializer storage, ILogger<ErrorHandlingMiddleware> logger)
{
    private static readonly TimeSpan StorageRetryAfter = TimeSpan.FromSeconds(5);

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
        }
        catch (Exception e) when (StorageErrors.IsOutage(e))
        {
            if (StorageErrors.IsMissingResource(e))
            {
                storage.Invalidate();
            }

            LogStorageOutage(logger, context.Request.Path, e.GetType().Name);
            await WriteAsync(context, Problems.StorageUnavailable(StorageRetryAfter));
        }
        catch (HashingBusyException)
        {
            LogHashingBusy(logger, context.Request.Path);
            await WriteAsync(context, Problems.TooManyRequests(TimeSpan.FromSeconds(1)));
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(context, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? Problems.PayloadTooLarge() : Problems.MalformedJson());
        }
        catch (Exception e)
        {
            LogUnhandled(logger, e, context.Request.Path);
            await WriteAsync(context, Problems.Internal());
        }
    }

    private static async Task WriteAsync(HttpContext context, ApiProblem problem)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        await problem.ExecuteAsync(context);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Storage unavailable while serving {Path} ({Error}); answered 503.")]
    private static partial void LogStorageOutage(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Password hashing saturated while serving {Path}; answered 429.")]
    private static partial void LogHashingBusy(ILogger logger, string path);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "Unhandled error while serving {Path}.")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
