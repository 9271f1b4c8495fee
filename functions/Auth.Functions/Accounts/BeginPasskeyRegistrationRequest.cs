namespace Auth.Functions.Accounts;

/// <param name="Label">A name for the passkey, shown in lists and emails (it can be given when finishing instead).</param>
public sealed record BeginPasskeyRegistrationRequest(string? Label = null);
