using Auth.Functions.Http;
using Auth.Functions.Passwords;
using Auth.Functions.Tokens;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Accounts;

/// <summary>ChangePassword (forgot/reset live with the recovery feature).</summary>
[ApiTag("Passwords", "Changing the password of the signed-in account.")]
public sealed class PasswordFunctions(KeyedApi keyed, PasswordChangeService change)
{
    [Function(nameof(ChangePassword))]
    [EndpointSummary("Change the caller's password; resetTokens: true revokes every other token.")]
    [RequiresKey]
    [JsonRequest(typeof(ChangePasswordRequest))]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.TooManyRequests)]
    public Task<IResult> ChangePassword([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.ChangePassword)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, ChangeAsync);

    private async Task<IResult> ChangeAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.ChangePasswordRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        if (Problems.Required(("oldPassword", string.IsNullOrEmpty(input.OldPassword)), ("newPassword", input.NewPassword is null)) is { } missing)
        {
            return missing;
        }

        // Checked before anything is hashed or counted: a refused password costs nothing.
        if (PasswordPolicy.Check(input.NewPassword!, caller.User.Email) is { } reason)
        {
            return Problems.Validation("newPassword", reason);
        }

        return await change.ChangeAsync(caller, input.OldPassword!, input.NewPassword!, input.ResetTokens == true, ClientNetwork.Of(ClientInfo.Current?.Ip), cancellationToken) switch
        {
            PasswordChangeOutcome.Changed => TypedResults.NoContent(),
            PasswordChangeOutcome.WrongOldPassword => Problems.Validation("oldPassword", "Incorrect password."),
            PasswordChangeOutcome.Throttled t => Problems.TooManyRequests(t.RetryAfter),
            PasswordChangeOutcome.CallerRevoked => Problems.Unauthorized(),
            _ => Problems.TooManyRequests(TimeSpan.FromSeconds(1)),
        };
    }
}
