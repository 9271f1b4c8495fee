using Auth.Functions.Email;

namespace Auth.Functions.Recovery;

/// <summary>The reset email.</summary>
public static class ResetEmail
{
    public static EmailMessage Create(string to, string link, TimeSpan lifetime, Guid idempotencyKey) =>
        LinkEmail.Create(
            to,
            subject: "Reset your password",
            why: "Someone asked to reset the password of your account.",
            instruction: "To choose a new password, open this link:",
            action: "Reset your password",
            link,
            lifetime,
            ifNotYou: "If you did not ask for this, ignore this email: your password stays as it is.",
            idempotencyKey);
}
