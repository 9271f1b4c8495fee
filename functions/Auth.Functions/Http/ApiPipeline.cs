using Auth.Functions.Storage;
using Microsoft.Net.Http.Headers;

namespace Auth.Functions.Http;

/// <summary>
/// Everything the API promises around a handler, in the one place both hosts run: every HTTP
/// function calls it, whether the Functions worker or the standalone server invoked the function.
/// In order: security and CORS headers (and the answer to a preflight), one storage budget for the whole request, the media type, the
/// per-address limit, storage readiness, then the handler. Failures become problem details:
/// storage trouble 503 <c>storage_unavailable</c> with <c>Retry-After</c>, a saturated resource (the hasher) 429,
/// anything else a bare 500; library messages and stack traces go to the log only.
/// </summary>
public sealed partial class ApiPipeline(
    StorageInitializer storage,
    StorageOptions storageOptions,
    ClientRateLimiter limiter,
    Cors cors,
    Microsoft.Extensions.Options.IOptions<RateLimitOptions> rateLimits,
    ILogger<ApiPipeline> logger)
{
    private static readonly TimeSpan StorageRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>A year, the host alone (subdomains may be other people's services).</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    public async Task<IResult> RunAsync(HttpRequest request, ApiPolicy policy, Func<HttpRequest, CancellationToken, Task<IResult>> handler)
    {
        var context = request.HttpContext;
        var cancellationToken = context.RequestAborted;
        ApplyHeaders(context);
        cors.Apply(context);
        if (Cors.IsPreflight(request))
        {
            // A browser asking before a cross-origin call: no storage, no limit, no handler.
            return cors.Preflight(context);
        }

        // Every storage call of this request, retries included, shares one time budget.
        using var budget = StorageBudget.Start(storageOptions.RequestBudget);
        // Who asked, for the security log.
        ClientInfo.Set(ClientInfo.Of(context, rateLimits.Value));
        try
        {
            if (policy.AcceptsJson && !IsJson(request.ContentType))
            {
                return Problems.UnsupportedMediaType();
            }

            if (policy.RateLimit is { } limit && limiter.TryAcquire(limit, context) is { } retryAfter)
            {
                return Problems.TooManyRequests(retryAfter);
            }

            if (policy.NeedsStorage)
            {
                await storage.EnsureReadyAsync(cancellationToken);
            }

            return await handler(request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
            return Results.Empty;
        }
        catch (Exception e) when (StorageErrors.IsOutage(e))
        {
            if (StorageErrors.IsMissingResource(e))
            {
                storage.Invalidate();
            }

            LogStorageOutage(logger, request.Path, e.GetType().Name);
            return Problems.StorageUnavailable(StorageRetryAfter);
        }
        catch (ServiceBusyException e)
        {
            LogBusy(logger, request.Path, e.Message);
            return Problems.TooManyRequests(e.RetryAfter);
        }
        catch (BadHttpRequestException e)
        {
            return e.StatusCode == StatusCodes.Status413PayloadTooLarge ? Problems.PayloadTooLarge() : Problems.MalformedJson();
        }
        catch (Exception e)
        {
            LogUnhandled(logger, e, request.Path);
            return Problems.Internal();
        }
    }

    /// <summary>
    /// No response may be sniffed into another type; API responses carry keys, so no cache, shared
    /// or private, may keep them. Browsers are told to use https only from now on (HSTS), whatever
    /// scheme the app itself sees behind a TLS-terminating front end; over plain http (local
    /// development) browsers ignore the header.
    /// </summary>
    public static void ApplyHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.StrictTransportSecurity = StrictTransportSecurity;
        if (Routes.IsApiPath(context.Request.Path))
        {
            headers.CacheControl = "no-store";
        }
    }

    /// <summary><c>application/json</c>, with or without parameters such as <c>charset</c>.</summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Storage unavailable while serving {Path} ({Error}); answered 503.")]
    private static partial void LogStorageOutage(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Saturated while serving {Path} ({Reason}); answered 429.")]
    private static partial void LogBusy(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "Unhandled error while serving {Path}.")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
