using System.Net;

namespace Auth.Functions.Email;

/// <summary>
/// The shape every link email shares (reset, verification), in plain text and HTML: a greeting, why
/// the email was sent, what the link does, the link, how long it works, and what to do if it was not expected.
/// </summary>
/// <remarks>
/// No display name: whoever registers an address chooses it, so it would put an attacker's words
/// into a genuine email from us.
/// </remarks>
public static class LinkEmail
{
    public static EmailMessage Create(
        string to, string subject, string why, string instruction, string action, string link, TimeSpan lifetime, string ifNotYou, Guid idempotencyKey)
    {
        var validFor = Describe(lifetime);
        const string greeting = "Hello,";
        var text = $"""
            {greeting}

            {why} {instruction}

            {link}

            The link works once and expires in {validFor}. {ifNotYou}
            """;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a;">
              <p>{WebUtility.HtmlEncode(greeting)}</p>
              <p>{WebUtility.HtmlEncode(why)} {WebUtility.HtmlEncode(instruction)}</p>
              <p><a href="{WebUtility.HtmlEncode(link)}">{WebUtility.HtmlEncode(action)}</a></p>
              <p>The link works once and expires in {validFor}. {WebUtility.HtmlEncode(ifNotYou)}</p>
            </body>
            </html>
            """;
        return new EmailMessage(to, subject, text, html, idempotencyKey);
    }

    /// <summary>"1 hour", "24 hours", "30 minutes".</summary>
    public static string Describe(TimeSpan lifetime)
    {
        var minutes = (int)Math.Round(lifetime.TotalMinutes);
        return minutes % 60 == 0 ? $"{minutes / 60} hour{(minutes == 60 ? "" : "s")}" : $"{minutes} minute{(minutes == 1 ? "" : "s")}";
    }
}
