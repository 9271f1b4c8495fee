using Auth.Functions.Passkeys;

namespace Auth.Functions.Accounts;

public sealed record PasskeyListResponse(IReadOnlyList<PasskeyDto> Items);
