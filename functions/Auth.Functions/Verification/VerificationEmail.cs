using Auth.Functions.Email;

namespace Auth.Functions.Verification;

/// <summary>The email with the verification link.</summary>
public static class VerificationEmail
{
    public static EmailMessage Create(string to, string link, TimeSpan lifetime, Guid idempotencyKey) =>
        LinkEmail.Create(
            to,
            subject: "Verify your email address",
            why: "An account was created with this email address, or a new verification link was asked for.",
            instruction: "To confirm that the address is yours, open this link:",
            action: "Verify your email address",
            link,
            lifetime,
            ifNotYou: "If you did not create an account, ignore this email: the address stays unverified and nothing else happens.",
            idempotencyKey);
}
