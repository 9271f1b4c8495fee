using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Auth.Functions.Email;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>Keeps every email instead of sending it, for tests about the flow rather than the transport.</summary>
public sealed partial class CapturingEmailSender : IEmailSender
{
    private readonly ConcurrentQueue<EmailMessage> _sent = new();

    public IReadOnlyCollection<EmailMessage> Sent => _sent.ToArray();

    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        _sent.Enqueue(message);
        return Task.CompletedTask;
    }

    /// <summary>The <paramref name="count"/>-th reset email to <paramref name="to"/> (security notifications are not counted).</summary>
    public async Task<EmailMessage> WaitForAsync(string to, int count = 1, TimeSpan? timeout = null) =>
        await WaitForAsync(to, IsResetEmail, count, timeout);

    /// <summary>The <paramref name="count"/>-th email to <paramref name="to"/> that <paramref name="which"/> picks.</summary>
    public async Task<EmailMessage> WaitForAsync(string to, Func<EmailMessage, bool> which, int count = 1, TimeSpan? timeout = null)
    {
        if (!await Eventually.TrueAsync(() => _sent.Count(m => m.To == to && which(m)) >= count, timeout))
        {
            throw new TimeoutException($"No email number {count} of its kind to {to} arrived.");
        }

        return _sent.Where(m => m.To == to && which(m)).ElementAt(count - 1);
    }

    /// <summary>Reset emails carry a reset link; notifications carry none.</summary>
    public static bool IsResetEmail(EmailMessage message) => LinkPattern().Match(message.PlainText) is { Success: true } m && m.Groups["page"].Value == ResetPage;

    /// <summary>Verification emails carry a verification link.</summary>
    public static bool IsVerificationEmail(EmailMessage message) => LinkPattern().Match(message.PlainText) is { Success: true } m && m.Groups["page"].Value == VerifyPage;

    /// <summary>Every reset email sent so far.</summary>
    public IReadOnlyCollection<EmailMessage> ResetEmails => [.. _sent.Where(IsResetEmail)];

    /// <summary>Every verification email sent so far.</summary>
    public IReadOnlyCollection<EmailMessage> VerificationEmails => [.. _sent.Where(IsVerificationEmail)];

    /// <summary>The link of a reset or verification email, from its plain-text part.</summary>
    public static string LinkIn(EmailMessage message) => LinkPattern().Match(message.PlainText).Value;

    public static string TokenIn(EmailMessage message) => Uri.UnescapeDataString(LinkIn(message).Split("token=")[1]);

    private const string ResetPage = "reset-password";
    private const string VerifyPage = "verify-email";

    [GeneratedRegex(@"https?://\S+/(?<page>reset-password|verify-email)#token=\S+")]
    private static partial Regex LinkPattern();
}
