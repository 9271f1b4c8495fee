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
        var (paging, problem) = EventPageRequest.Read(request);
        if (problem is not null)
        {
            return problem;
        }

        var page = await events.ListAsync(caller.UserId, paging!.Limit, paging.Before, cancellationToken);
        return TypedResults.Ok(ToResponse(page));
    }

    /// <summary>A page of a user's log as the API shows it (the owner's and an admin's view are the same).</summary>
    public static SecurityEventListResponse ToResponse(SecurityEventPage page) => new(
        [.. page.Items.Select(e => new SecurityEventDto(e.Id, e.Type, e.At, e.Ip, e.UserAgent, e.TokenId, e.Label, e.Method, e.Mfa))],
        page.Next);
}
