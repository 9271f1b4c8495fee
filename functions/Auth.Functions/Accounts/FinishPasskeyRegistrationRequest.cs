using System.Text.Json;

namespace Auth.Functions.Accounts;

/// <param name="Ceremony">What BeginPasskeyRegistration returned.</param>
/// <param name="Credential">The browser's <c>PublicKeyCredential.toJSON()</c> from <c>navigator.credentials.create</c>.</param>
/// <param name="Label">A name for the passkey (else the one given at the beginning).</param>
public sealed record FinishPasskeyRegistrationRequest(string? Ceremony, JsonElement? Credential, string? Label = null);
