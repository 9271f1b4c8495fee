using Auth.Functions.Hosting;
using Auth.Functions.Http;
using Auth.Functions.Tokens;

namespace Auth.Functions.Passwords;

/// <summary>ChangePassword (forgot/reset live with the recovery feature).</summary>
public static class PasswordsApi
{
    public static RouteGroupBuilder MapPasswords(this RouteGroupBuilder authenticated)
    {
        authenticated.MapFunction("ChangePassword", ChangeAsync)
            .Accepts<ChangePasswordRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithProblems(400, 401, 413, 415, 429, 503)
            .WithSummary("Change the caller's password; resetTokens: true revokes every other token.");
        return authenticated;
    }

    public static async Task<IResult> ChangeAsync(HttpContext context, PasswordChangeService change, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context.Request, AppJsonContext.Default.ChangePasswordRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        var caller = context.GetCaller();
        if (Problems.Required(("oldPassword", string.IsNullOrEmpty(input.OldPassword)), ("newPassword", input.NewPassword is null)) is { } missing)
        {
            return missing;
        }

        // Checked before anything is hashed or counted: a refused password costs nothing.
        if (PasswordPolicy.Check(input.NewPassword!, caller.User.Email) is { } reason)
        {
            return Problems.Validation("newPassword", reason);
        }

        return await change.ChangeAsync(caller, input.OldPassword!, input.NewPassword!, input.ResetTokens == true, cancellationToken) switch
        {
            PasswordChangeOutcome.Changed => TypedResults.NoContent(),
            PasswordChangeOutcome.WrongOldPassword => Problems.Validation("oldPassword", "Incorrect password."),
            PasswordChangeOutcome.Throttled t => Problems.TooManyRequests(t.RetryAfter),
            PasswordChangeOutcome.CallerRevoked => Problems.Unauthorized(),
            _ => Problems.TooManyRequests(TimeSpan.FromSeconds(1)),
        };
    }
}
