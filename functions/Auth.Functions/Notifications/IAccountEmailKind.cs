namespace Auth.Functions.Notifications;

/// <summary>An account email other than a security notification (an email verification link), sent by SendAccountEmail.</summary>
public interface IAccountEmailKind
{
    string Name { get; }

    /// <summary>Sends it, or concludes that nothing is to be sent. Throws <see cref="FormatException"/> for a message it cannot read.</summary>
    Task SendAsync(AccountEmailMessage message, CancellationToken cancellationToken);
}
