using Auth.Functions.Identities;

namespace Auth.Functions.Accounts;

public sealed record IdentityListResponse(IReadOnlyList<IdentityDto> Items);
