using Auth.Functions.Accounts;
using Auth.Functions.Hosting;
using Auth.Functions.Http;
using Auth.Functions.Tokens;

namespace Auth.Functions.Recovery;

/// <summary>ForgotPassword, ResetPassword and the hosted ResetPasswordPage.</summary>
public static class RecoveryApi
{
    public const string AcceptedMessage = "If an account exists for this email, a password reset link has been sent to it.";

    public static IEndpointRouteBuilder MapRecovery(this IEndpointRouteBuilder app)
    {
        app.MapFunction("ForgotPassword", ForgotAsync)
            .RequireRateLimiting(RateLimits.ForgotPassword)
            .Accepts<ForgotPasswordRequest>("application/json")
            .Produces<ForgotPasswordResponse>(StatusCodes.Status202Accepted)
            .WithProblems(400, 413, 415, 429, 503)
            .WithSummary("Ask for a reset email; the answer is the same whether or not the account exists.");

        app.MapFunction("ResetPassword", ResetAsync)
            .Accepts<ResetPasswordRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithProblems(400, 404, 410, 413, 415, 429, 503)
            .WithSummary("Set a new password with the single-use token from the reset email; revokes every key.");

        app.MapFunction("ResetPasswordPage", ResetPage.Render)
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .WithSummary("The page the reset email links to: a form that calls ResetPassword.");
        return app;
    }

    public static async Task<IResult> ForgotAsync(HttpRequest request, ResetQueue queue, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AppJsonContext.Default.ForgotPasswordRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        if (!EmailAddress.TryParse(body.Value!.Email, out var email))
        {
            return Problems.Validation("email", body.Value.Email is null ? "Is required." : "Must be a valid email address.");
        }

        // Same answer and same work for every valid email: always enqueue; the worker drops unknown
        // accounts. Nothing here reads the account, so neither the body nor the timing can reveal it.
        await queue.EnqueueAsync(new ResetRequestMessage(Keys.NewId(), email!.Key), cancellationToken);
        return TypedResults.Json(new ForgotPasswordResponse(AcceptedMessage), AppJsonContext.Default.ForgotPasswordResponse, statusCode: StatusCodes.Status202Accepted);
    }

    public static async Task<IResult> ResetAsync(HttpRequest request, PasswordResetService reset, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AppJsonContext.Default.ResetPasswordRequest, cancellationToken);
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
        return await reset.ResetAsync(input.Token!, input.NewPassword!, cancellationToken) switch
        {
            PasswordResetOutcome.Reset => TypedResults.NoContent(),
            PasswordResetOutcome.TokenExpired => Problems.ResetTokenExpired(),
            PasswordResetOutcome.PasswordRefused r => Problems.Validation("newPassword", r.Reason),
            _ => Problems.ResetTokenNotFound(),
        };
    }
}
