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
        PasswordService passwords,
        LoginThrottle throttle,
        RevocationService revocation,
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

        // Checked before anything is hashed or counted: a refused password costs nothing.
        if (PasswordPolicy.Check(input.NewPassword!, caller.User.Email) is { } reason)
        {
            return Problems.Validation("newPassword", reason);
        }

        var revoke = input.ResetTokens == true;
        var emailKey = EmailAddress.KeyOf(caller.User.NormalizedEmail);
        string? hash = null;
        // The row the calling key was validated against: every write below is ETag-guarded on it.
        var user = caller.User;
        for (var attempt = 1; ; attempt++)
        {
            // A stolen session must not become a way to brute-force the password: old passwords are
            // counted as login attempts for this account before they are checked.
            if ((await throttle.TryBeginAsync(emailKey, cancellationToken)).Wait is { } wait)
            {
                return Problems.TooManyRequests(wait);
            }

            if (await passwords.VerifyAsync(user.PasswordHash, input.OldPassword!, cancellationToken) == PasswordVerification.Failed)
            {
                AuthEvents.PasswordChangeRefused(logger, user.PartitionKey);
                return Problems.Validation("oldPassword", "Incorrect password.");
            }

            await throttle.ResetAsync(emailKey, cancellationToken);
            hash ??= await passwords.HashAsync(input.NewPassword!, cancellationToken);
            var generation = revoke
                ? await users.TryRevokeAsync(user, keepTokenId: caller.TokenId, hash, cancellationToken)
                : await users.TryUpdatePasswordHashAsync(user, hash, passwordChanged: true, cancellationToken) ? user.Generation : null;
            if (generation is { } committed)
            {
                AuthEvents.PasswordChanged(logger, user.PartitionKey, caller.TokenId);
                if (revoke)
                {
                    await revocation.CleanUpAsync(user.PartitionKey, committed, caller.TokenId, "password-change", cancellationToken);
                }

                return TypedResults.NoContent();
            }

            // Changed meanwhile: start over against the new row, unless it revoked the calling key.
            if (await users.GetAsync(caller.UserId, cancellationToken) is not { } current || !Revocation.Allows(current, caller.Token))
            {
                return Problems.Unauthorized();
            }

            if (attempt == MaxAttempts)
            {
                return Problems.TooManyRequests(TimeSpan.FromSeconds(1));
            }

            user = current;
        }
    }
}
