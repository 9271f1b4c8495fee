using Auth.Functions.Storage;

namespace Auth.Functions.Http;

public static class HttpPipelineExtensions
{
    /// <summary>A storage budget per request, errors as problem details, API responses never cached, storage ready before API work.</summary>
    public static WebApplication UseApiPipeline(this WebApplication app)
    {
        var budget = app.Services.GetRequiredService<StorageOptions>().RequestBudget;
        app.Use(async (context, next) =>
        {
            // Every storage call this request makes, retries included, shares one time budget.
            using var _ = StorageBudget.Start(budget);
            await next(context);
        });
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => Problems.NotFound().ExecuteAsync(context.HttpContext),
            StatusCodes.Status405MethodNotAllowed => Problems.MethodNotAllowed().ExecuteAsync(context.HttpContext),
            // Routing refuses a non-JSON body before the handler runs (the endpoints declare what they accept).
            StatusCodes.Status415UnsupportedMediaType => Problems.UnsupportedMediaType().ExecuteAsync(context.HttpContext),
            _ => Task.CompletedTask,
        });
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                // Keys are in these responses: no cache, shared or private, may keep them.
                headers.CacheControl = "no-store";
                if (!context.Request.Path.StartsWithSegments("/api/openapi.json"))
                {
                    await context.RequestServices.GetRequiredService<StorageInitializer>().EnsureReadyAsync(context.RequestAborted);
                }
            }

            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Documents the problem responses of an endpoint (all <c>application/problem+json</c>).</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            // Our problem body (with its stable `code` and `errors`), not the framework's ProblemDetails.
            builder.Produces<ProblemBody>(status, "application/problem+json");
        }

        return builder;
    }
}
