using Auth.Functions.Http;
using Auth.Functions.Tokens;

namespace Auth.Functions.Admin;

/// <summary>
/// The pipeline of <c>/api/admin/*</c>: <see cref="ApiPipeline"/> (with the admin per-address limit),
/// then a live admin key (<c>Authorization: Bearer afs_admin_…</c>) or 401; a live user key gets 403
/// <c>forbidden</c>. Every call that reaches its handler is written to the audit log with its answer,
/// and a successful one that concerns a user to that user's log as <c>admin_action</c>, unless its
/// change records an event of its own (<c>logsItself</c>).
/// </summary>
public sealed class AdminApi(ApiPipeline api, AdminKeyStore adminKeys, KeyAuthenticator userKeys, AdminAudit audit)
{
    public static readonly ApiPolicy Policy = new(RateLimit: RateLimits.Admin);
    public static readonly ApiPolicy JsonPolicy = new(AcceptsJson: true, RateLimit: RateLimits.Admin);

    /// <param name="action">What the audit log calls this call.</param>
    /// <param name="logsItself">The change writes its own event to the user's log (disable, enable, revoke-keys), or leaves no log (an erasure).</param>
    public Task<IResult> RunAsync(
        HttpRequest request, ApiPolicy policy, string action, Func<AdminCaller, HttpRequest, CancellationToken, Task<IResult>> handler, bool logsItself = false) =>
        api.RunAsync(request, policy, async (request, cancellationToken) =>
        {
            var header = request.Headers.Authorization.ToString();
            if (!KeyAuthenticator.TryReadCredentials(header, out var key, out var basicUser) || basicUser is not null)
            {
                return Problems.Unauthorized();
            }

            if (await adminKeys.AuthenticateAsync(key, cancellationToken) is not { } admin)
            {
                return await userKeys.AuthenticateAsync(request, cancellationToken) is not null ? Problems.Forbidden() : Problems.Unauthorized();
            }

            var caller = new AdminCaller(admin);
            var result = await handler(caller, request, cancellationToken);
            var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
            var subject = request.RouteValues["id"] as string;
            await audit.RecordAsync(caller, action, Keys.IsValidId(subject) ? subject : null, status, cancellationToken);
            if (Keys.IsValidId(subject) && status < 400 && !logsItself)
            {
                // The call found its user (404 otherwise): the user's log says an admin looked or acted.
                await audit.RecordForUserAsync(caller, subject, action, cancellationToken);
            }

            return result;
        });
}
