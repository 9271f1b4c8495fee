using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Accounts;

/// <summary>The accounts feature's JSON, with the options of <see cref="Http.AppJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(SecurityEventListResponse))]
[JsonSerializable(typeof(BeginTotpRequest))]
[JsonSerializable(typeof(TotpEnrolmentResponse))]
[JsonSerializable(typeof(ConfirmTotpRequest))]
[JsonSerializable(typeof(RecoveryCodesResponse))]
[JsonSerializable(typeof(DisableTotpRequest))]
[JsonSerializable(typeof(RegenerateRecoveryCodesRequest))]
[JsonSerializable(typeof(LoginMfaRequest))]
[JsonSerializable(typeof(DeleteAccountRequest))]
[JsonSerializable(typeof(AccountExport))]
[JsonSerializable(typeof(BeginPasskeyRegistrationRequest))]
[JsonSerializable(typeof(FinishPasskeyRegistrationRequest))]
[JsonSerializable(typeof(FinishPasskeyLoginRequest))]
[JsonSerializable(typeof(PasskeyCeremonyResponse))]
[JsonSerializable(typeof(PasskeyResponse))]
[JsonSerializable(typeof(PasskeyListResponse))]
[JsonSerializable(typeof(ExchangeExternalLoginRequest))]
[JsonSerializable(typeof(ExternalLoginResponse))]
[JsonSerializable(typeof(IdentityListResponse))]
public sealed partial class AccountsJsonContext : JsonSerializerContext;
