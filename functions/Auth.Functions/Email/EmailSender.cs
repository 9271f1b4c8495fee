namespace Auth.Functions.Email;

/// <summary>
/// One email to one recipient, in plain text and HTML. <see cref="IdempotencyKey"/> is stable per
/// logical email, so a provider can drop a retried duplicate (ACS <c>Operation-Id</c>).
/// </summary>
public sealed record EmailMessage(string To, string Subject, string PlainText, string Html, Guid IdempotencyKey);

/// <summary>Hands an email to a provider. Throws when the provider did not accept it.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
