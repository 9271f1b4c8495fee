namespace Auth.Functions.Http;

/// <summary>
/// The stable <c>code</c> of every problem answer (the README's "Errors" table lists them), and the
/// status each one comes with.
/// </summary>
public static class ProblemCodes
{
    public const string MalformedJson = "malformed_json";
    public const string ValidationFailed = "validation_failed";
    public const string InvalidCredentials = "invalid_credentials";
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not_found";
    public const string ResetTokenNotFound = "reset_token_not_found";
    public const string ResetTokenExpired = "reset_token_expired";
    public const string VerificationTokenNotFound = "verification_token_not_found";
    public const string VerificationTokenExpired = "verification_token_expired";
    public const string EmailNotVerified = "email_not_verified";
    public const string EmailTaken = "email_taken";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string TooManyRequests = "too_many_requests";
    public const string StorageUnavailable = "storage_unavailable";
    public const string InternalError = "internal_error";
    public const string MfaRequired = "mfa_required";
    public const string InvalidMfaCode = "invalid_mfa_code";
    public const string MfaAlreadyEnabled = "mfa_already_enabled";
    public const string MfaNotEnabled = "mfa_not_enabled";
    public const string ReauthenticationRequired = "reauthentication_required";
    public const string AccountDisabled = "account_disabled";
    public const string Forbidden = "forbidden";
    public const string PasskeyNotAccepted = "passkey_not_accepted";
    public const string LastSignInMethod = "last_sign_in_method";
    public const string ProviderNotConfigured = "provider_not_configured";
    public const string ExternalLoginFailed = "external_login_failed";

    public static int StatusOf(string code) => code switch
    {
        MalformedJson => 400,
        ValidationFailed => 400,
        InvalidCredentials => 401,
        Unauthorized => 401,
        NotFound => 404,
        ResetTokenNotFound => 404,
        ResetTokenExpired => 410,
        VerificationTokenNotFound => 404,
        VerificationTokenExpired => 410,
        EmailNotVerified => 403,
        EmailTaken => 409,
        MethodNotAllowed => 405,
        PayloadTooLarge => 413,
        UnsupportedMediaType => 415,
        TooManyRequests => 429,
        StorageUnavailable => 503,
        InternalError => 500,
        MfaRequired => 401,
        InvalidMfaCode => 401,
        MfaAlreadyEnabled => 409,
        MfaNotEnabled => 409,
        ReauthenticationRequired => 401,
        AccountDisabled => 403,
        Forbidden => 403,
        PasskeyNotAccepted => 401,
        LastSignInMethod => 409,
        ProviderNotConfigured => 404,
        ExternalLoginFailed => 401,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not a problem code of the API."),
    };
}
