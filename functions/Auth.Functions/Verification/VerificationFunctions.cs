using Auth.Functions.Http;
using Auth.Functions.Users;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Verification;

/// <summary>VerifyEmail, ResendVerification and the hosted VerifyEmailPage. The emails go out through SendAccountEmail.</summary>
[ApiTag("Email verification", "Verifying the address of an account: the link, a new link, and the page the email links to.")]
public sealed class VerificationFunctions(ApiPipeline api, EmailVerificationService verification, VerificationEmails emails)
{
    public const string AcceptedMessage = "If an unverified account exists for this email, a new verification link has been sent to it.";

    private static readonly ApiPolicy ResendPolicy = new(AcceptsJson: true, RateLimit: RateLimits.ResendVerification);

    [Function(nameof(VerifyEmail))]
    [EndpointSummary("Verify the account's email address with the single-use token from the verification email.")]
    [JsonRequest(typeof(VerifyEmailRequest))]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.VerificationTokenNotFound, ProblemCodes.VerificationTokenExpired)]
    public Task<IResult> VerifyEmail([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.VerifyEmail)] HttpRequest request) =>
        api.RunAsync(request, ApiPolicy.Json, VerifyAsync);

    [Function(nameof(ResendVerification))]
    [EndpointSummary("Ask for a new verification email; the answer is the same whether or not the account exists or is verified.")]
    [JsonRequest(typeof(ResendVerificationRequest))]
    [Response(StatusCodes.Status202Accepted, typeof(ResendVerificationResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.TooManyRequests)]
    public Task<IResult> ResendVerification([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.ResendVerification)] HttpRequest request) =>
        api.RunAsync(request, ResendPolicy, ResendAsync);

    [Function(nameof(VerifyEmailPage))]
    [EndpointSummary("The page the verification email links to: it calls VerifyEmail and shows the outcome.")]
    [Response(StatusCodes.Status200OK, contentType: "text/html")]
    public Task<IResult> VerifyEmailPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.VerifyEmailPage)] HttpRequest request) =>
        api.RunAsync(request, ApiPolicy.Static, (request, _) => Task.FromResult(VerifyPage.Render(request.HttpContext)));

    private async Task<IResult> VerifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, VerificationJsonContext.Default.VerifyEmailRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        if (Problems.Required(("token", string.IsNullOrEmpty(body.Value!.Token))) is { } missing)
        {
            return missing;
        }

        return await verification.VerifyAsync(body.Value.Token!, cancellationToken) switch
        {
            VerificationOutcome.Verified => TypedResults.NoContent(),
            VerificationOutcome.TokenExpired => Problems.VerificationTokenExpired(),
            _ => Problems.VerificationTokenNotFound(),
        };
    }

    private async Task<IResult> ResendAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (email, problem) = await EmailRequest.ReadAsync(request, VerificationJsonContext.Default.ResendVerificationRequest, r => r.Email, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        // Same answer and same work for every valid email, as ForgotPassword: the worker drops unknown
        // and verified accounts, and nothing here reads the account.
        await emails.RequestAsync(email!.Key, cancellationToken);
        return TypedResults.Json(new ResendVerificationResponse(AcceptedMessage), VerificationJsonContext.Default.ResendVerificationResponse,
            statusCode: StatusCodes.Status202Accepted);
    }
}
