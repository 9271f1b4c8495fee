using Auth.Functions.Accounts;
using Auth.Functions.Hosting;
using Auth.Functions.Http;
using Auth.Functions.Tokens;

namespace Auth.Functions.Passwords;

/// <summary>ChangePassword (forgot/reset live with the recovery feature).</summary>
public static class PasswordsApi
{
    private const int MaxAttempts = 3;

    public static RouteGroupBuilder MapPasswords(this RouteGroupBuilder authenticated)
    {
        authenticated.MapFunction("ChangePassword", ChangeAsync)
            .Accepts<ChangePasswordRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithProblems(400, 401, 413, 415, 429, 503)
            .WithSummary("Change the caller's password; resetTokens: true revokes every other token.");
        return authenticated;
    }

    public static async Task<IResult> ChangeAsync(
        HttpContext context,
        UserStore users,
        TokenStore tokens,
        PasswordService passwords,
        LoginThrottle throttle,
        ILogger<PasswordService> logger,
        CancellationToken cancellationToken)
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

        for (var attempt = 1; ; attempt++)
        {
            var user = await users.GetAsync(caller.UserId, cancellationToken);
            if (user is null)
            {
                return Problems.Unauthorized();
            }

            if (PasswordPolicy.Check(input.NewPassword!, user.Email) is { } reason)
            {
                return Problems.Validation("newPassword", reason);
            }

            // A stolen session must not become a way to brute-force the password: wrong old passwords
            // count as failed logins for this account.
            var emailKey = EmailAddress.KeyOf(user.NormalizedEmail);
            if ((await throttle.CheckAsync(emailKey, cancellationToken)).Wait is { } wait)
            {
                return Problems.TooManyRequests(wait);
            }

            if (await passwords.VerifyAsync(user.PasswordHash, input.OldPassword!, cancellationToken) == PasswordVerification.Failed)
            {
                await throttle.RecordFailureAsync(emailKey, cancellationToken);
                AuthEvents.PasswordChangeRefused(logger, user.PartitionKey);
                return Problems.Validation("oldPassword", "Incorrect password.");
            }

            var hash = await passwords.HashAsync(input.NewPassword!, cancellationToken);
            // ETag-guarded: a concurrent change makes this one start over and verify against the new hash.
            if (!await users.TryUpdatePasswordHashAsync(user, hash, passwordChanged: true, cancellationToken))
            {
                if (attempt < MaxAttempts)
                {
                    continue;
                }

                return Problems.Validation("oldPassword", "Incorrect password.");
            }

            AuthEvents.PasswordChanged(logger, user.PartitionKey, caller.TokenId);
            if (input.ResetTokens == true)
            {
                var count = await tokens.DeleteAllAsync(user.PartitionKey, keepTokenId: caller.TokenId, cancellationToken);
                AuthEvents.TokensRevoked(logger, user.PartitionKey, count, "password-change", caller.TokenId);
            }

            return TypedResults.NoContent();
        }
    }
}
