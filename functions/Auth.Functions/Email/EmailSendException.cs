namespace Auth.Functions.Email;

/// <summary>The provider did not accept or deliver the email. Carries no message text from the provider's body.</summary>
public sealed class EmailSendException(string message) : Exception(message);
