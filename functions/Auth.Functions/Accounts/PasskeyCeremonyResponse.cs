using System.Text.Json;

namespace Auth.Functions.Accounts;

/// <param name="Ceremony">Send it back with the browser's answer; it works once, for 5 minutes.</param>
/// <param name="Options">
/// WebAuthn's JSON form of the options: give it to <c>PublicKeyCredential.parseCreationOptionsFromJSON</c>
/// (registration) or <c>parseRequestOptionsFromJSON</c> (sign-in) as it is.
/// </param>
public sealed record PasskeyCeremonyResponse(string Ceremony, JsonElement Options);
