namespace Auth.Functions.Http;

/// <summary>The API's errors, one factory each, so codes and titles never drift.</summary>
public static class Problems
{
    public const string BearerChallenge = "Bearer";
    public const string BasicChallenge = "Basic realm=\"auth\"";

    private static readonly string[] IsRequired = ["Is required."];

    public static ApiProblem MalformedJson() =>
        new(ProblemCodes.MalformedJson, "The request body is not valid JSON or a field has the wrong type.");

    public static ApiProblem Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(ProblemCodes.ValidationFailed, "Validation failed.", errors);

    public static ApiProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A validation problem naming each required field that is missing, or null when none is.</summary>
    public static ApiProblem? Required(params (string Field, bool Missing)[] fields)
    {
        var missing = fields.Where(f => f.Missing).ToDictionary(f => f.Field, _ => IsRequired);
        return missing.Count == 0 ? null : Validation(missing);
    }

    public static ApiProblem InvalidCredentials(string? challenge = null) =>
        new(ProblemCodes.InvalidCredentials, "The email or password is incorrect.") { WwwAuthenticate = challenge };

    public static ApiProblem Unauthorized(string challenge = BearerChallenge) =>
        new(ProblemCodes.Unauthorized, "A valid key is required.") { WwwAuthenticate = challenge };

    public static ApiProblem NotFound() => new(ProblemCodes.NotFound, "Not found.");

    public static ApiProblem ResetTokenNotFound() =>
        new(ProblemCodes.ResetTokenNotFound, "The reset link is unknown or has already been used.");

    public static ApiProblem ResetTokenExpired() => new(ProblemCodes.ResetTokenExpired, "The reset link has expired.");

    public static ApiProblem VerificationTokenNotFound() =>
        new(ProblemCodes.VerificationTokenNotFound, "The verification link is unknown or was already used.");

    public static ApiProblem VerificationTokenExpired() => new(ProblemCodes.VerificationTokenExpired, "The verification link has expired.");

    /// <summary>Only ever answered after the password was verified: it tells nothing to someone without it.</summary>
    public static ApiProblem EmailNotVerified() =>
        new(ProblemCodes.EmailNotVerified, "Verify your email address first: open the link in the email we sent, or ask for a new one.");

    public static ApiProblem EmailTaken() => new(ProblemCodes.EmailTaken, "An account with this email already exists.");

    public static ApiProblem MethodNotAllowed() => new(ProblemCodes.MethodNotAllowed, "The method is not allowed on this resource.");

    public static ApiProblem PayloadTooLarge() => new(ProblemCodes.PayloadTooLarge, "The request body is larger than 16 KiB.");

    public static ApiProblem UnsupportedMediaType() =>
        new(ProblemCodes.UnsupportedMediaType, "The request body must be application/json.");

    public static ApiProblem TooManyRequests(TimeSpan retryAfter) =>
        new(ProblemCodes.TooManyRequests, "Too many requests; retry later.") { RetryAfter = retryAfter };

    public static ApiProblem StorageUnavailable(TimeSpan retryAfter) =>
        new(ProblemCodes.StorageUnavailable, "Storage is unavailable; retry later.") { RetryAfter = retryAfter };

    /// <summary>Only after the first factor verified: the ticket to send the second with.</summary>
    public static ApiProblem MfaRequired(string ticket, DateTimeOffset expires, string? challenge = null) =>
        new(ProblemCodes.MfaRequired, "A second factor is required: send a code with the ticket.")
        {
            WwwAuthenticate = challenge,
            Extensions = new ProblemExtensions(ticket, MfaMethods, expires),
        };

    /// <summary>What a ticket can be completed with.</summary>
    public static readonly IReadOnlyList<string> MfaMethods = ["totp", "recovery_code"];

    public static ApiProblem InvalidMfaCode() =>
        new(ProblemCodes.InvalidMfaCode, "The code is wrong, used or expired, or the ticket is no longer valid.");

    public static ApiProblem MfaAlreadyEnabled() => new(ProblemCodes.MfaAlreadyEnabled, "A second factor is already enabled.");

    public static ApiProblem MfaNotEnabled() => new(ProblemCodes.MfaNotEnabled, "No second factor is enabled (or the enrolment expired: begin it again).");

    public static ApiProblem ReauthenticationRequired() =>
        new(ProblemCodes.ReauthenticationRequired, "Confirm this change with your current password.") { WwwAuthenticate = BearerChallenge };

    /// <summary>Only after the password was verified, for a login: it tells nothing to someone without it.</summary>
    public static ApiProblem AccountDisabled() => new(ProblemCodes.AccountDisabled, "This account has been disabled.");

    public static ApiProblem Forbidden() =>
        new(ProblemCodes.Forbidden, "This key cannot be used here: admin keys work only on /api/admin, user keys everywhere else.");

    /// <summary>Adding a passkey with an API key, or a session older than the registration window.</summary>
    public static ApiProblem SignInAgainForPasskey() =>
        new(ProblemCodes.ReauthenticationRequired, "Sign in again to add a passkey: it needs a session key from a recent sign-in.") { WwwAuthenticate = BearerChallenge };

    public static ApiProblem PasskeyNotAccepted() =>
        new(ProblemCodes.PasskeyNotAccepted, "The passkey was not accepted: begin the ceremony again.");

    public static ApiProblem LastSignInMethod() =>
        new(ProblemCodes.LastSignInMethod, "This is the only way left to sign in to the account: add another before removing it.");

    public static ApiProblem ProviderNotConfigured() => new(ProblemCodes.ProviderNotConfigured, "No such sign-in provider is configured.");

    public static ApiProblem ExternalLoginFailed() =>
        new(ProblemCodes.ExternalLoginFailed, "The sign-in could not be completed: start it again.");

    public static ApiProblem Internal() => new(ProblemCodes.InternalError, "An unexpected error occurred.");
}
