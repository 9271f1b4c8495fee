using System.Globalization;
using System.Net;
using Auth.Functions.Email;
using Auth.Functions.Events;

namespace Auth.Functions.Notifications;

/// <summary>
/// The security notifications, in plain text and HTML. They carry no secret and no text the user
/// chose other than a key's label, which is HTML-encoded (and was refused at creation if it held
/// control characters).
/// </summary>
public static class AccountEmails
{
    private const string Advice = "If this was not you, reset your password and revoke your keys now.";

    public static EmailMessage Create(string to, SecurityEventEntity @event, Guid idempotencyKey)
    {
        var at = @event.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var label = @event.Label is { Length: > 0 } l ? $"“{l}”" : null;
        var (subject, lines) = @event.Type switch
        {
            SecurityEventTypes.PasswordChanged => ("Your password was changed", new[] { $"The password of your account was changed on {at}.", Advice }),
            SecurityEventTypes.PasswordReset => ("Your password was reset", new[] { $"The password of your account was reset on {at}, and every key was revoked.", Advice }),
            SecurityEventTypes.KeyCreated => ("A new API key was created", new[] { $"An API key {label ?? "without a label"} was created for your account on {at}.", Advice }),
            SecurityEventTypes.KeyReportedLeaked => ("One of your keys was reported as exposed and revoked", new[]
            {
                $"Someone reported a key of your account {(label is null ? "" : $"({label}) ")}as exposed on {at}, and it has been revoked.",
                "Create a new key and replace the old one wherever it was used.",
            }),
            SecurityEventTypes.LoginThrottled => ("Several wrong passwords were tried on your account", new[]
            {
                $"Several wrong passwords were tried for your account, up to {at}; further attempts are slowed down for a while.",
                "Your password has not changed. If this was not you, nothing else is needed, though a longer password makes guessing harder.",
            }),
            SecurityEventTypes.MfaEnabled => ("Two-step sign-in is on", new[]
            {
                $"Two-step sign-in with an authenticator app was turned on for your account on {at}. Logins now ask for a code from the app.",
                "Keep your recovery codes somewhere safe: each works once if you lose the device. " + Advice,
            }),
            SecurityEventTypes.MfaDisabled => ("Two-step sign-in was turned off", new[] { $"Two-step sign-in was turned off for your account on {at}; logins need only the password now.", Advice }),
            SecurityEventTypes.RecoveryCodeUsed => ("A recovery code was used", new[]
            {
                $"A recovery code was used to sign in to your account on {at}. It will not work again.",
                "If your authenticator device is lost, remove two-step sign-in and set it up again on a new one. " + Advice,
            }),
            SecurityEventTypes.RecoveryCodesRegenerated => ("New recovery codes were made", new[] { $"New recovery codes were made for your account on {at}; the old ones no longer work.", Advice }),
            SecurityEventTypes.PasskeyAdded => ("A passkey was added", new[]
            {
                $"A passkey {label ?? "without a name"} was added to your account on {at}. It signs in without a password.",
                "If this was not you, remove it, reset your password and revoke your keys now.",
            }),
            SecurityEventTypes.PasskeyRemoved => ("A passkey was removed", new[] { $"The passkey {label ?? "without a name"} was removed from your account on {at}; it no longer signs in.", Advice }),
            SecurityEventTypes.ExternalIdentityLinked => ("A sign-in provider was linked", new[]
            {
                $"Your account can now be signed in to with {label ?? "an external provider"} (linked on {at}).",
                "If this was not you, unlink it, reset your password and revoke your keys now.",
            }),
            SecurityEventTypes.ExternalIdentityUnlinked => ("A sign-in provider was unlinked", new[] { $"{label ?? "An external provider"} no longer signs in to your account (unlinked on {at}).", Advice }),
            _ => throw new ArgumentException($"No email for {@event.Type} events.", nameof(@event)),
        };
        return Compose(to, subject, lines, idempotencyKey);
    }

    /// <summary>An account email of a few plain paragraphs, as text and as HTML (each line encoded).</summary>
    public static EmailMessage Compose(string to, string subject, IReadOnlyList<string> lines, Guid idempotencyKey)
    {
        var text = "Hello,\n\n" + string.Join("\n\n", lines) + "\n";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a;">
              <p>Hello,</p>
            {string.Concat(lines.Select(line => $"  <p>{WebUtility.HtmlEncode(line)}</p>\n"))}</body>
            </html>
            """;
        return new EmailMessage(to, subject, text, html, idempotencyKey);
    }
}
