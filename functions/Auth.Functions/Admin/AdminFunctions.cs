using Auth.Functions.Accounts;
using Auth.Functions.Events;
using Auth.Functions.Http;
using Auth.Functions.Users;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Admin;

/// <summary>The admin API: the app's backend looks users up, disables, erases and helps them. Admin keys only.</summary>
[ApiTag("Admin", "For the app's backend, with an admin key (afs_admin_…, minted by the app's executable): users, their keys and second factor, and the audit log.")]
public sealed class AdminFunctions(AdminApi admin, AdminService service, AdminAudit audit, UserStore users, SecurityEvents events)
{
    private const int MaxReasonLength = 200;

    [Function(nameof(AdminListUsers))]
    [EndpointSummary("List users a page at a time (?limit=1-100, ?before={next}), or look one up by exact email (?email=).")]
    [RequiresAdminKey]
    [Response(StatusCodes.Status200OK, typeof(AdminUserListResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminListUsers([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.AdminUsers)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.Policy, "list-users", ListUsersAsync);

    [Function(nameof(AdminGetUser))]
    [EndpointSummary("One user, with what only an admin sees (disabled, last login).")]
    [RequiresAdminKey]
    [Response(StatusCodes.Status200OK, typeof(AdminUserResponse))]
    [ProblemResponses(ProblemCodes.NotFound, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminGetUser([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.AdminUser)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.Policy, "get-user", (caller, request, ct) => WithUserAsync(request, async user =>
            TypedResults.Ok(new AdminUserResponse(await service.ToDtoAsync(user, ct))), ct));

    [Function(nameof(AdminDisableUser))]
    [EndpointSummary("Disable the user: every key refused at once, and logins answer 403 account_disabled.")]
    [RequiresAdminKey]
    [JsonRequest(typeof(DisableUserRequest))]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.NotFound, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminDisableUser([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.AdminDisableUser)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.JsonPolicy, "disable", DisableAsync, logsItself: true);

    [Function(nameof(AdminEnableUser))]
    [EndpointSummary("Enable a disabled user again (their old keys stay dead).")]
    [RequiresAdminKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.NotFound, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminEnableUser([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.AdminEnableUser)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.Policy, "enable", (caller, request, ct) => WithUserAsync(request, async user =>
            await service.SetDisabledAsync(caller, user, disabled: false, reason: null, ct) ? TypedResults.NoContent() : Problems.TooManyRequests(TimeSpan.FromSeconds(1)), ct), logsItself: true);

    [Function(nameof(AdminDeleteUser))]
    [EndpointSummary("Erase the user: every key refused at once, then every row of the account removed; the address can register again.")]
    [RequiresAdminKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.NotFound, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminDeleteUser([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.AdminUser)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.Policy, "delete", (caller, request, ct) => WithUserAsync(request, async user =>
            await service.EraseAsync(user, ct) ? TypedResults.NoContent() : Problems.NotFound(), ct), logsItself: true);

    [Function(nameof(AdminRevokeKeys))]
    [EndpointSummary("Revoke every key of the user (sessions and API keys).")]
    [RequiresAdminKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.NotFound, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminRevokeKeys([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.AdminRevokeKeys)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.Policy, "revoke-keys", (caller, request, ct) => WithUserAsync(request, async user =>
            await service.RevokeKeysAsync(caller, user, ct) ? TypedResults.NoContent() : Problems.TooManyRequests(TimeSpan.FromSeconds(1)), ct), logsItself: true);

    [Function(nameof(AdminRemoveMfa))]
    [EndpointSummary("Remove the user's second factor (they lost the device and every recovery code). Idempotent.")]
    [RequiresAdminKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.NotFound, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminRemoveMfa([HttpTrigger(AuthorizationLevel.Anonymous, "delete", "options", Route = Routes.AdminUserMfa)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.Policy, "remove-mfa", (caller, request, ct) => WithUserAsync(request, async user =>
        {
            return await service.RemoveMfaAsync(user, ct) ? TypedResults.NoContent() : Problems.TooManyRequests(TimeSpan.FromSeconds(1));
        }, ct));

    [Function(nameof(AdminSendPasswordReset))]
    [EndpointSummary("Send the user the ordinary password-reset email.")]
    [RequiresAdminKey]
    [Response(StatusCodes.Status202Accepted)]
    [ProblemResponses(ProblemCodes.NotFound, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminSendPasswordReset([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.AdminPasswordReset)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.Policy, "password-reset", (caller, request, ct) => WithUserAsync(request, async user =>
        {
            await service.SendPasswordResetAsync(user, ct);
            return TypedResults.Accepted((string?)null);
        }, ct));

    [Function(nameof(AdminListUserEvents))]
    [EndpointSummary("The user's security log, newest first (?limit=, ?before=), as ListSecurityEvents shows the user.")]
    [RequiresAdminKey]
    [Response(StatusCodes.Status200OK, typeof(SecurityEventListResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.NotFound, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminListUserEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.AdminUserEvents)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.Policy, "list-events", (caller, request, ct) => WithUserAsync(request, async user =>
        {
            var (paging, problem) = EventPageRequest.Read(request);
            return problem ?? (IResult)TypedResults.Ok(SecurityEventFunctions.ToResponse(await events.ListAsync(user.PartitionKey, paging!.Limit, paging.Before, ct)));
        }, ct));

    [Function(nameof(AdminAuditLog))]
    [EndpointSummary("Every admin call, newest first (?limit=, ?before=): key id, action and answer, user, address.")]
    [RequiresAdminKey]
    [Response(StatusCodes.Status200OK, typeof(AuditLogResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.Forbidden, ProblemCodes.TooManyRequests)]
    public Task<IResult> AdminAuditLog([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.AdminAudit)] HttpRequest request) =>
        admin.RunAsync(request, AdminApi.Policy, "audit", async (caller, request, ct) =>
        {
            var (paging, problem) = EventPageRequest.Read(request);
            return problem ?? (IResult)TypedResults.Ok(await audit.ListAsync(paging!.Limit, paging.Before, ct));
        });

    private async Task<IResult> ListUsersAsync(AdminCaller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var email = request.Query["email"].ToString();
        if (email.Length > 0)
        {
            if (!EmailAddress.TryParse(email, out var address))
            {
                return Problems.Validation("email", EmailAddress.Refusal(email));
            }

            var found = await users.FindByEmailAsync(address!.Key, cancellationToken);
            return TypedResults.Ok(new AdminUserListResponse(found is null ? [] : [await service.ToDtoAsync(found, cancellationToken)]));
        }

        var (limit, badLimit) = EventPageRequest.ReadLimit(request);
        if (badLimit is not null)
        {
            return badLimit;
        }

        var before = request.Query["before"].ToString();
        if (before.Length > 0 && (before.Length > 1024 || !service.IsCursor(before)))
        {
            return Problems.Validation("before", "Must be the 'next' value of a previous page.");
        }

        var (page, next) = await service.ListAsync(limit, before.Length > 0 ? before : null, cancellationToken);
        var items = await Task.WhenAll(page.Select(u => service.ToDtoAsync(u, cancellationToken)));
        return TypedResults.Ok(new AdminUserListResponse(items, next));
    }

    private async Task<IResult> DisableAsync(AdminCaller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AdminJsonContext.Default.DisableUserRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var reason = body.Value!.Reason?.Trim();
        if (reason is { Length: > MaxReasonLength } || (reason?.Any(char.IsControl) ?? false))
        {
            return Problems.Validation("reason", $"Must be at most {MaxReasonLength} characters, without control characters.");
        }

        return await WithUserAsync(request, async user =>
            await service.SetDisabledAsync(caller, user, disabled: true, string.IsNullOrEmpty(reason) ? null : reason, cancellationToken)
                ? TypedResults.NoContent()
                : Problems.TooManyRequests(TimeSpan.FromSeconds(1)), cancellationToken);
    }

    /// <summary>The route's user, or 404 <c>not_found</c>; both hosts route the request, so {id} is in its route values.</summary>
    private async Task<IResult> WithUserAsync(HttpRequest request, Func<Storage.UserEntity, Task<IResult>> handler, CancellationToken cancellationToken) =>
        await service.FindAsync(request.RouteValues["id"] as string, cancellationToken) is { } user ? await handler(user) : Problems.NotFound();
}
