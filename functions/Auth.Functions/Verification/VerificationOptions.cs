using Auth.Functions.Email;

namespace Auth.Functions.Verification;

/// <summary>Verification links (<c>EmailVerification__…</c>): they work 24 hours by default.</summary>
public sealed class VerificationOptions() : LinkEmailOptions("verify", TimeSpan.FromHours(24))
{
    public const string Section = "EmailVerification";
}
