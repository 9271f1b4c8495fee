using System.Text.Json;

namespace Auth.Functions.Accounts;

/// <param name="Ceremony">What BeginPasskeyLogin returned.</param>
/// <param name="Credential">The browser's <c>PublicKeyCredential.toJSON()</c> from <c>navigator.credentials.get</c>.</param>
public sealed record FinishPasskeyLoginRequest(string? Ceremony, JsonElement? Credential);
