using System.Net;
using Auth.Functions.Email;

namespace Auth.Functions.Recovery;

/// <summary>The reset email, in plain text and HTML.</summary>
public static class ResetEmail
{
    /// <remarks>
    /// No display name: whoever registers an address chooses it, so it would put an attacker's words
    /// into a genuine email from us.
    /// </remarks>
    public static EmailMessage Create(string to, string link, TimeSpan lifetime, Guid idempotencyKey)
    {
        var minutes = (int)Math.Round(lifetime.TotalMinutes);
        var validFor = minutes % 60 == 0 ? $"{minutes / 60} hour{(minutes == 60 ? "" : "s")}" : $"{minutes} minutes";
        const string greeting = "Hello,";
        var text = $"""
            {greeting}

            Someone asked to reset the password of your account. To choose a new password, open this link:

            {link}

            The link works once and expires in {validFor}. If you did not ask for this, ignore this email:
            your password stays as it is.
            """;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a;">
              <p>{WebUtility.HtmlEncode(greeting)}</p>
              <p>Someone asked to reset the password of your account. To choose a new password, use this link:</p>
              <p><a href="{WebUtility.HtmlEncode(link)}">Reset your password</a></p>
              <p>The link works once and expires in {validFor}. If you did not ask for this, ignore this email:
              your password stays as it is.</p>
            </body>
            </html>
            """;
        return new EmailMessage(to, "Reset your password", text, html, idempotencyKey);
    }
}
