using Auth.Functions.Http;
using Auth.Functions.Tokens;

namespace Auth.Functions.Admin;

/// <summary>
/// The pipeline of <c>/api/admin/*</c>: <see cref="ApiPipeline"/> (with the admin per-address limit),
/// then a live admin key (<c>Authorization: Bearer afs_admin_…</c>) or 401; a live user key gets 403
/// <c>forbidden</c>. Every call that reaches its handler is written to the audit log with its answer.
/// </summary>
public sealed class AdminApi(ApiPipeline api, AdminKeyStore adminKeys, KeyAuthenticator userKeys, AdminAudit audit)
{
    public static readonly ApiPolicy Policy = new(RateLimit: RateLimits.Admin);
    public static readonly ApiPolicy JsonPolicy = new(AcceptsJson: true, RateLimit: RateLimits.Admin);

    /// <param name="action">What the audit log calls this call.</param>
    public Task<IResult> RunAsync(HttpRequest request, ApiPolicy policy, string action, Func<AdminCaller, HttpRequest, CancellationToken, Task<IResult>> handler) =>
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
            return result;
        });
}
