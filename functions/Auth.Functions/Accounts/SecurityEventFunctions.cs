using System.Globalization;
using Auth.Functions.Events;
using Auth.Functions.Http;
using Auth.Functions.Tokens;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Accounts;

/// <summary>ListSecurityEvents: the caller's own security log, newest first, a page at a time.</summary>
[ApiTag("Security log", "The account's own security events, newest first.")]
public sealed class SecurityEventFunctions(KeyedApi keyed, SecurityEvents events)
{
    [Function(nameof(ListSecurityEvents))]
    [EndpointSummary("The caller's security events, newest first: ?limit=1-100 (50), ?before={next} for the next page.")]
    [RequiresKey]
    [Response(StatusCodes.Status200OK, typeof(SecurityEventListResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed)]
    public Task<IResult> ListSecurityEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.SecurityEvents)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, ListAsync);

    private async Task<IResult> ListAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var limitText = request.Query["limit"].ToString();
        var limit = SecurityEvents.DefaultPageSize;
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > SecurityEvents.MaxPageSize))
        {
            return Problems.Validation("limit", $"Must be a whole number from 1 to {SecurityEvents.MaxPageSize}.");
        }

        var before = request.Query["before"].ToString();
        if (before.Length > 0 && !SecurityEventEntity.IsValidId(before))
        {
            return Problems.Validation("before", "Must be the 'next' value of a previous page.");
        }

        var page = await events.ListAsync(caller.UserId, limit, before.Length > 0 ? before : null, cancellationToken);
        return TypedResults.Ok(new SecurityEventListResponse(
            [.. page.Items.Select(e => new SecurityEventDto(e.Id, e.Type, e.At, e.Ip, e.UserAgent, e.TokenId, e.Label, e.Method, e.Mfa))],
            page.Next));
    }
}
