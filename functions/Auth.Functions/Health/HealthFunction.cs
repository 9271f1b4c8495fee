using Auth.Functions.Http;
using Auth.Functions.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Health;

public sealed record HealthResponse(string Status);

/// <summary>Health: 200 when storage answers, 503 when it does not.</summary>
[ApiTag("Health", "Whether the service and its storage answer.")]
public sealed class HealthFunction(ApiPipeline api, AuthTables tables)
{
    [Function(nameof(Health))]
    [EndpointSummary("200 when storage answers, 503 storage_unavailable when it does not.")]
    [Response(StatusCodes.Status200OK, typeof(HealthResponse))]
    [ProblemResponses]
    public Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.Health)] HttpRequest request) =>
        api.RunAsync(request, ApiPolicy.Default, CheckAsync);

    private async Task<IResult> CheckAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // A point read of a row that never exists: storage answered (404) or it throws (-> 503).
        await tables.Users.GetEntityIfExistsAsync<UserEntity>("health", "probe", select: ["PartitionKey"], cancellationToken);
        return TypedResults.Ok(new HealthResponse("healthy"));
    }
}
