using Microsoft.Extensions.Options;
using MimeKit;

namespace Auth.Functions.Email;

/// <summary>Writes each email as an .eml file: the local default, so the run command needs no mail server.</summary>
public sealed class PickupDirectorySender(IOptions<EmailOptions> options, TimeProvider clock) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var directory = Path.GetFullPath(settings.PickupDirectory);
        Directory.CreateDirectory(directory);
        var mime = MimeMessages.Create(message, settings);
        var name = $"{clock.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{message.IdempotencyKey:N}.eml";
        var temporary = Path.Combine(directory, name + ".tmp");
        await mime.WriteToAsync(temporary, cancellationToken);
        // Appears whole or not at all, for whoever watches the folder.
        File.Move(temporary, Path.Combine(directory, name), overwrite: true);
    }
}

internal static class MimeMessages
{
    public static MimeMessage Create(EmailMessage message, EmailOptions settings)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(settings.FromName, settings.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(MailboxAddress.Parse(settings.From).Domain);
        mime.Body = new BodyBuilder { TextBody = message.PlainText, HtmlBody = message.Html }.ToMessageBody();
        return mime;
    }
}
