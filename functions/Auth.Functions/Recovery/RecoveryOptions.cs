using Auth.Functions.Email;

namespace Auth.Functions.Recovery;

/// <summary>Reset links (<c>PasswordReset__…</c>): they work 1 hour by default.</summary>
public sealed class RecoveryOptions() : LinkEmailOptions("reset", TimeSpan.FromHours(1))
{
    public const string Section = "PasswordReset";
}
