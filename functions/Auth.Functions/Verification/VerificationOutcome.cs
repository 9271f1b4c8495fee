namespace Auth.Functions.Verification;

public enum VerificationOutcome
{
    Verified,
    TokenNotFound,
    TokenExpired,
}
