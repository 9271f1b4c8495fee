namespace Auth.Functions.Accounts;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName = null);

/// <summary><c>username</c> is accepted as an alias of <c>email</c> for clients built for username logins: one of the two is needed.</summary>
/// <remarks><c>totpCode</c>: for an account with a second factor, its code in the same request (one round trip).</remarks>
public sealed record LoginRequest(string? Password, string? Email = null, string? Username = null, string? TotpCode = null);

public sealed record UserDto(string Id, string Email, string? DisplayName, bool EmailVerified, DateTimeOffset Created, bool MfaEnabled, bool HasPassword);

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
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Label = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Method = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] bool? Mfa = null);

public sealed record SecurityEventListResponse(
    IReadOnlyList<SecurityEventDto> Items,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Next = null);
