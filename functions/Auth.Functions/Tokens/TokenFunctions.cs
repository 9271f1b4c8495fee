using Auth.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Tokens;

/// <summary>CreateToken, ListTokens, DeleteToken and RevokeAllTokens: the caller's own keys only.</summary>
public sealed class TokenFunctions(KeyedApi keyed, TokenStore tokens, RevocationService revocation, TimeProvider clock, ILogger<TokenFunctions> logger)
{
    public const int MaxLabelLength = 100;

    [Function(nameof(CreateToken))]
    [EndpointSummary("Create a labelled API key; expires null or absent means permanent.")]
    [RequiresKey]
    [JsonRequest(typeof(CreateTokenRequest))]
    [Response(StatusCodes.Status201Created, typeof(TokenResponse))]
    [ProblemResponses(400, 401, 413, 415, 503)]
    public Task<IResult> CreateToken([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Tokens)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, CreateAsync);

    [Function(nameof(ListTokens))]
    [EndpointSummary("The caller's active sessions and API keys.")]
    [RequiresKey]
    [Response(StatusCodes.Status200OK, typeof(TokenListResponse))]
    [ProblemResponses(401, 503)]
    public Task<IResult> ListTokens([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Tokens)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, ListAsync);

    [Function(nameof(DeleteToken))]
    [EndpointSummary("Revoke one of the caller's tokens.")]
    [RequiresKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(401, 404, 503)]
    public Task<IResult> DeleteToken([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Token)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, DeleteAsync);

    [Function(nameof(RevokeAllTokens))]
    [EndpointSummary("Revoke every token of the caller; ?keep=current keeps the calling one.")]
    [RequiresKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(401, 503)]
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
        else if (label.Length > MaxLabelLength || label.Any(char.IsControl))
        {
            errors["label"] = [$"Must be at most {MaxLabelLength} characters, without control characters."];
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

    private async Task<IResult> RevokeAllAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var keep = string.Equals(request.Query["keep"], "current", StringComparison.OrdinalIgnoreCase);
        return await revocation.RevokeAllAsync(caller, keep, cancellationToken) ? TypedResults.NoContent() : Problems.Unauthorized();
    }
}
