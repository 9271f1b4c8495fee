using Auth.Functions.Accounts;
using Auth.Functions.Hosting;
using Auth.Functions.Http;

namespace Auth.Functions.Tokens;

/// <summary>CreateToken, ListTokens, DeleteToken and RevokeAllTokens: the caller's own keys only.</summary>
public static class TokensApi
{
    public const int MaxLabelLength = 100;

    public static RouteGroupBuilder MapTokens(this RouteGroupBuilder authenticated)
    {
        authenticated.MapFunction("CreateToken", CreateAsync)
            .Accepts<CreateTokenRequest>("application/json")
            .Produces<TokenResponse>(StatusCodes.Status201Created)
            .WithProblems(400, 401, 413, 415, 503)
            .WithSummary("Create a labelled API key; expires null or absent means permanent.");

        authenticated.MapFunction("ListTokens", ListAsync)
            .Produces<TokenListResponse>()
            .WithProblems(401, 503)
            .WithSummary("The caller's active sessions and API keys.");

        authenticated.MapFunction("DeleteToken", DeleteAsync)
            .Produces(StatusCodes.Status204NoContent)
            .WithProblems(401, 404, 503)
            .WithSummary("Revoke one of the caller's tokens.");

        authenticated.MapFunction("RevokeAllTokens", RevokeAllAsync)
            .Produces(StatusCodes.Status204NoContent)
            .WithProblems(401, 503)
            .WithSummary("Revoke every token of the caller; ?keep=current keeps the calling one.");

        return authenticated;
    }

    public static async Task<IResult> CreateAsync(
        HttpContext context, TokenStore tokens, TimeProvider clock, ILogger<TokenStore> logger, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context.Request, AppJsonContext.Default.CreateTokenRequest, cancellationToken);
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

        var caller = context.GetCaller();
        var (token, key) = await tokens.CreateApiKeyAsync(caller.User, label!, input.Expires?.ToUniversalTime(), cancellationToken);
        AuthEvents.TokenCreated(logger, caller.UserId, token.TokenId, token.Type);
        return TypedResults.Created($"/api/tokens/{token.TokenId}", new TokenResponse(token.ToDto(key)));
    }

    public static async Task<IResult> ListAsync(HttpContext context, TokenStore tokens, CancellationToken cancellationToken)
    {
        var caller = context.GetCaller();
        var items = (await tokens.ListLiveAsync(caller.User, cancellationToken))
            .OrderByDescending(t => t.Created)
            .Select(t => t.ToInfo(caller.TokenId))
            .ToList();
        return TypedResults.Ok(new TokenListResponse(items));
    }

    public static async Task<IResult> DeleteAsync(
        string id, HttpContext context, TokenStore tokens, ILogger<TokenStore> logger, CancellationToken cancellationToken)
    {
        var caller = context.GetCaller();
        // Another user's id is simply absent from the caller's partition: 404, never 403.
        if (!Keys.IsValidId(id) || !await tokens.DeleteAsync(caller.UserId, id, cancellationToken))
        {
            return Problems.NotFound();
        }

        AuthEvents.TokenRevoked(logger, caller.UserId, id, "delete");
        return TypedResults.NoContent();
    }

    public static async Task<IResult> RevokeAllAsync(HttpContext context, RevocationService revocation, CancellationToken cancellationToken)
    {
        var caller = context.GetCaller();
        var keep = string.Equals(context.Request.Query["keep"], "current", StringComparison.OrdinalIgnoreCase);
        return await revocation.RevokeAllAsync(caller, keep, cancellationToken) ? TypedResults.NoContent() : Problems.Unauthorized();
    }
}
