namespace Auth.Functions.Http;

/// <summary>The errors of api.md, one factory each, so codes and titles never drift.</summary>
public static class Problems
{
    public const string BearerChallenge = "Bearer";
    public const string BasicChallenge = "Basic realm=\"auth\"";

    private static readonly string[] IsRequired = ["Is required."];

    public static ApiProblem MalformedJson() =>
        new(400, "malformed_json", "The request body is not valid JSON or a field has the wrong type.");

    public static ApiProblem Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(400, "validation_failed", "Validation failed.", errors);

    public static ApiProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A validation problem naming each required field that is missing, or null when none is.</summary>
    public static ApiProblem? Required(params (string Field, bool Missing)[] fields)
    {
        var missing = fields.Where(f => f.Missing).ToDictionary(f => f.Field, _ => IsRequired);
        return missing.Count == 0 ? null : Validation(missing);
    }

    public static ApiProblem InvalidCredentials(string? challenge = null) =>
        new(401, "invalid_credentials", "The email or password is incorrect.") { WwwAuthenticate = challenge };

    public static ApiProblem Unauthorized(string challenge = BearerChallenge) =>
        new(401, "unauthorized", "A valid key is required.") { WwwAuthenticate = challenge };

    public static ApiProblem NotFound() => new(404, "not_found", "Not found.");

    public static ApiProblem ResetTokenNotFound() =>
        new(404, "reset_token_not_found", "The reset link is unknown or has already been used.");

    public static ApiProblem ResetTokenExpired() => new(410, "reset_token_expired", "The reset link has expired.");

    public static ApiProblem VerificationTokenNotFound() =>
        new(404, "verification_token_not_found", "The verification link is unknown or was already used.");

    public static ApiProblem VerificationTokenExpired() => new(410, "verification_token_expired", "The verification link has expired.");

    /// <summary>Only ever answered after the password was verified: it tells nothing to someone without it.</summary>
    public static ApiProblem EmailNotVerified() =>
        new(403, "email_not_verified", "Verify your email address first: open the link in the email we sent, or ask for a new one.");

    public static ApiProblem EmailTaken() => new(409, "email_taken", "An account with this email already exists.");

    public static ApiProblem MethodNotAllowed() => new(405, "method_not_allowed", "The method is not allowed on this resource.");

    public static ApiProblem PayloadTooLarge() => new(413, "payload_too_large", "The request body is larger than 16 KiB.");

    public static ApiProblem UnsupportedMediaType() =>
        new(415, "unsupported_media_type", "The request body must be application/json.");

    public static ApiProblem TooManyRequests(TimeSpan retryAfter) =>
        new(429, "too_many_requests", "Too many requests; retry later.") { RetryAfter = retryAfter };

    public static ApiProblem StorageUnavailable(TimeSpan retryAfter) =>
        new(503, "storage_unavailable", "Storage is unavailable; retry later.") { RetryAfter = retryAfter };

    public static ApiProblem Internal() => new(500, "internal_error", "An unexpected error occurred.");
}
