using Auth.Functions.Http;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Recovery;

/// <summary>ForgotPassword, ResetPassword, the hosted ResetPasswordPage, and SendResetEmail behind the queue.</summary>
[ApiTag("Password recovery", "A forgotten password: the reset email, the reset, and the page the email links to.")]
public sealed class RecoveryFunctions(ApiPipeline api, ResetQueue queue, PasswordResetService reset, ResetEmailWorker worker, StorageInitializer storage)
{
    public const string AcceptedMessage = "If an account exists for this email, a password reset link has been sent to it.";

    private static readonly ApiPolicy ForgotPolicy = new(AcceptsJson: true, RateLimit: RateLimits.ForgotPassword);

    [Function(nameof(ForgotPassword))]
    [EndpointSummary("Ask for a reset email; the answer is the same whether or not the account exists.")]
    [JsonRequest(typeof(ForgotPasswordRequest))]
    [Response(StatusCodes.Status202Accepted, typeof(ForgotPasswordResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.TooManyRequests)]
    public Task<IResult> ForgotPassword([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.ForgotPassword)] HttpRequest request) =>
        api.RunAsync(request, ForgotPolicy, ForgotAsync);

    [Function(nameof(ResetPassword))]
    [EndpointSummary("Set a new password with the single-use token from the reset email; revokes every key.")]
    [JsonRequest(typeof(ResetPasswordRequest))]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.ResetTokenNotFound, ProblemCodes.ResetTokenExpired, ProblemCodes.TooManyRequests)]
    public Task<IResult> ResetPassword([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.ResetPassword)] HttpRequest request) =>
        api.RunAsync(request, ApiPolicy.Json, ResetAsync);

    [Function(nameof(ResetPasswordPage))]
    [EndpointSummary("The page the reset email links to: a form that calls ResetPassword.")]
    [Response(StatusCodes.Status200OK, contentType: "text/html")]
    public Task<IResult> ResetPasswordPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ResetPasswordPage)] HttpRequest request) =>
        api.RunAsync(request, ApiPolicy.Static, (request, _) => Task.FromResult(ResetPage.Render(request.HttpContext)));

    /// <summary>
    /// One queued reset request in, at most one reset email out. A message that cannot be parsed
    /// throws: the host (or the standalone listener) retries it, then moves it to the poison queue.
    /// </summary>
    [Function(ResetEmailWorker.FunctionName)]
    public async Task SendResetEmail(
        [QueueTrigger(ResetQueue.Name, Connection = StorageClients.Setting)] string message, CancellationToken cancellationToken)
    {
        // The host may deliver a message right after start-up, before the tables exist.
        await storage.EnsureReadyAsync(cancellationToken);
        await worker.HandleAsync(message, cancellationToken);
    }

    private async Task<IResult> ForgotAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (email, problem) = await EmailRequest.ReadAsync(request, RecoveryJsonContext.Default.ForgotPasswordRequest, r => r.Email, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        // Same answer and same work for every valid email: always enqueue; the worker drops unknown
        // accounts. Nothing here reads the account, so neither the body nor the timing can reveal it.
        await queue.EnqueueAsync(new ResetRequestMessage(Keys.NewId(), email!.Key), cancellationToken);
        return TypedResults.Json(new ForgotPasswordResponse(AcceptedMessage), RecoveryJsonContext.Default.ForgotPasswordResponse, statusCode: StatusCodes.Status202Accepted);
    }

    private async Task<IResult> ResetAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, RecoveryJsonContext.Default.ResetPasswordRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        if (Problems.Required(("token", string.IsNullOrEmpty(input.Token)), ("newPassword", input.NewPassword is null)) is { } missing)
        {
            return missing;
        }

        // No automatic login after a reset: the user signs in with the new password.
        return await reset.ResetAsync(input.Token!, input.NewPassword!, ClientNetwork.Of(ClientInfo.Current?.Ip), cancellationToken) switch
        {
            PasswordResetOutcome.Reset => TypedResults.NoContent(),
            PasswordResetOutcome.TokenExpired => Problems.ResetTokenExpired(),
            PasswordResetOutcome.PasswordRefused r => Problems.Validation("newPassword", r.Reason),
            _ => Problems.ResetTokenNotFound(),
        };
    }
}
