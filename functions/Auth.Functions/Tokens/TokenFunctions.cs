using Auth.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Tokens;

/// <summary>CreateToken, ListTokens, DeleteToken and RevokeAllTokens: the caller's own keys only.</summary>
[ApiTag("Keys", "Long-lived API keys: create, list and revoke them; and reporting leaked keys, anonymously.")]
public sealed class TokenFunctions(ApiPipeline api, KeyedApi keyed, TokenStore tokens, RevocationService revocation, LeakedKeys leaked, TimeProvider clock, ILogger<TokenFunctions> logger)
{
    [Function(nameof(CreateToken))]
    [EndpointSummary("Create a labelled API key; expires null or absent means permanent.")]
    [RequiresKey]
    [JsonRequest(typeof(CreateTokenRequest))]
    [Response(StatusCodes.Status201Created, typeof(TokenResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed)]
    public Task<IResult> CreateToken([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.Tokens)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, CreateAsync);

    [Function(nameof(ListTokens))]
    [EndpointSummary("The caller's active sessions and API keys.")]
    [RequiresKey]
    [Response(StatusCodes.Status200OK, typeof(TokenListResponse))]
    [ProblemResponses]
    public Task<IResult> ListTokens([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Tokens)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, ListAsync);

    [Function(nameof(DeleteToken))]
    [EndpointSummary("Revoke one of the caller's tokens.")]
    [RequiresKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.NotFound)]
    public Task<IResult> DeleteToken([HttpTrigger(AuthorizationLevel.Anonymous, "delete", "options", Route = Routes.Token)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, DeleteAsync);

    private static readonly ApiPolicy ReportPolicy = new(AcceptsJson: true, RateLimit: RateLimits.ReportLeakedKeys);

    [Function(nameof(ReportLeakedKeys))]
    [EndpointSummary("Revoke keys found exposed, without logging in: up to 100; the answer is the same whether or not any was live.")]
    [JsonRequest(typeof(ReportLeakedKeysRequest))]
    [Response(StatusCodes.Status202Accepted, typeof(ReportLeakedKeysResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.TooManyRequests)]
    public Task<IResult> ReportLeakedKeys([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.ReportLeakedKeys)] HttpRequest request) =>
        api.RunAsync(request, ReportPolicy, ReportAsync);

    [Function(nameof(RevokeAllTokens))]
    [EndpointSummary("Revoke every token of the caller; ?keep=current keeps the calling one.")]
    [RequiresKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.TooManyRequests)]
    public Task<IResult> RevokeAllTokens([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Tokens)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, RevokeAllAsync);

    private async Task<IResult> CreateAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, TokensJsonContext.Default.CreateTokenRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        var label = input.Label?.Trim();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(label))
        {
            errors["label"] = ["Is required."];
        }
        else if (!Labels.IsAcceptable(label))
        {
            errors["label"] = [Labels.Rule];
        }

        if (input.Expires is { } expires && expires <= clock.GetUtcNow())
        {
            errors["expires"] = ["Must be in the future (or null for a permanent key)."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var (token, key) = await tokens.CreateApiKeyAsync(caller.User, label!, input.Expires?.ToUniversalTime(), cancellationToken);
        TokenEvents.TokenCreated(logger, caller.UserId, token.TokenId, token.Type);
        return TypedResults.Created(Routes.TokenPath(token.TokenId), new TokenResponse(token.ToDto(key)));
    }

    private async Task<IResult> ListAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var items = (await tokens.ListLiveAsync(caller.User, cancellationToken))
            .OrderByDescending(t => t.Created)
            .Select(t => t.ToInfo(caller.TokenId))
            .ToList();
        return TypedResults.Ok(new TokenListResponse(items));
    }

    private async Task<IResult> DeleteAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        // Both hosts route the request, so {id} is in its route values.
        var id = request.RouteValues["id"] as string ?? "";
        // Another user's id is simply absent from the caller's partition: 404, never 403.
        if (!Keys.IsValidId(id) || !await tokens.DeleteAsync(caller.UserId, id, cancellationToken))
        {
            return Problems.NotFound();
        }

        TokenEvents.TokenRevoked(logger, caller.UserId, id, "delete");
        return TypedResults.NoContent();
    }

    private async Task<IResult> ReportAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, TokensJsonContext.Default.ReportLeakedKeysRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        if (body.Value!.Keys is not { Count: > 0 and <= LeakedKeys.MaxKeys } keys || keys.Any(k => k is null))
        {
            return Problems.Validation("keys", $"Must be a list of 1 to {LeakedKeys.MaxKeys} keys.");
        }

        // Same answer for live, dead and junk keys: the reporter learns nothing about any of them.
        await leaked.RevokeAsync(keys, cancellationToken);
        return TypedResults.Json(new ReportLeakedKeysResponse(keys.Count), TokensJsonContext.Default.ReportLeakedKeysResponse, statusCode: StatusCodes.Status202Accepted);
    }

    private async Task<IResult> RevokeAllAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var keep = string.Equals(request.Query["keep"], "current", StringComparison.OrdinalIgnoreCase);
        return await revocation.RevokeAllAsync(caller, keep, cancellationToken) switch
        {
            RevokeAllOutcome.Revoked => TypedResults.NoContent(),
            RevokeAllOutcome.CallerRevoked => Problems.Unauthorized(),
            _ => Problems.TooManyRequests(TimeSpan.FromSeconds(1)),
        };
    }
}
