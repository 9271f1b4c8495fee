using Auth.Functions.Hosting;
using Auth.Functions.Http;
using Auth.Functions.Storage;

namespace Auth.Functions.Health;

public sealed record HealthResponse(string Status);

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapFunction("Health", CheckAsync)
            .Produces<HealthResponse>()
            .WithProblems(503)
            .WithSummary("200 when storage answers, 503 storage_unavailable when it does not.");
        return app;
    }

    public static async Task<IResult> CheckAsync(AuthTables tables, CancellationToken cancellationToken)
    {
        // A point read of a row that never exists: storage answered (404) or it throws (-> 503).
        await tables.Users.GetEntityIfExistsAsync<UserEntity>("health", "probe", select: ["PartitionKey"], cancellationToken);
        return TypedResults.Ok(new HealthResponse("healthy"));
    }
}
