namespace Auth.Functions.Accounts;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName = null);

/// <summary><c>username</c> is accepted as an alias of <c>email</c> for clients built for username logins: one of the two is needed.</summary>
public sealed record LoginRequest(string? Password, string? Email = null, string? Username = null);

public sealed record UserDto(string Id, string Email, string? DisplayName, bool EmailVerified, DateTimeOffset Created);

public sealed record UserResponse(UserDto User);

public sealed record LoginResponse(UserDto User, Tokens.TokenDto Token);

public sealed record MeResponse(UserDto User, Tokens.TokenInfoDto Token);
public sealed record ChangePasswordRequest(string? OldPassword, string? NewPassword, bool? ResetTokens = null);

public sealed record SecurityEventDto(
    string Id,
    string Type,
    DateTimeOffset At,
    string? Ip,
    string? UserAgent,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? TokenId = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Label = null);

public sealed record SecurityEventListResponse(
    IReadOnlyList<SecurityEventDto> Items,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Next = null);
