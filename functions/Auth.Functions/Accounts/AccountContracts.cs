namespace Auth.Functions.Accounts;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName);

/// <summary><c>username</c> is accepted as an alias of <c>email</c> for clients built for username logins.</summary>
public sealed record LoginRequest(string? Email, string? Username, string? Password);

public sealed record UserDto(string Id, string Email, string? DisplayName, DateTimeOffset Created);

public sealed record UserResponse(UserDto User);

public sealed record LoginResponse(UserDto User, Tokens.TokenDto Token);

public sealed record MeResponse(UserDto User, Tokens.TokenInfoDto Token);
public sealed record ChangePasswordRequest(string? OldPassword, string? NewPassword, bool? ResetTokens);
