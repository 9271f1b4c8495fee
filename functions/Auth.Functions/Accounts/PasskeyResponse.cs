using Auth.Functions.Passkeys;

namespace Auth.Functions.Accounts;

public sealed record PasskeyResponse(PasskeyDto Passkey);
