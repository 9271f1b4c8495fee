namespace Auth.Functions.Http;

/// <summary>
/// Every route of the API, in one place. The functions' <c>[HttpTrigger]</c> attributes take them
/// (so the generated <c>functions.metadata</c> carries them to the Functions host), the standalone
/// server maps those same attributes, and the links the app builds start from them.
/// The host's route prefix is empty (host.json), so these are the paths clients call.
/// </summary>
public static class Routes
{
    public const string Register = "api/auth/register";

    /// <summary>POST: Login with a JSON body; GET: LoginBasic with <c>Authorization: Basic</c>.</summary>
    public const string Login = "api/auth/login";

    public const string Me = "api/auth/me";
    public const string SecurityEvents = "api/auth/events";
    public const string Logout = "api/auth/logout";
    public const string ChangePassword = "api/auth/password/change";
    public const string ForgotPassword = "api/auth/password/forgot";
    public const string ResetPassword = "api/auth/password/reset";
    public const string VerifyEmail = "api/auth/email/verify";
    public const string ResendVerification = "api/auth/email/verify/resend";

    /// <summary>POST: LoginMfa, a login's second step.</summary>
    public const string LoginMfa = "api/auth/login/mfa";

    /// <summary>POST: BeginTotp; DELETE: DisableTotp.</summary>
    public const string Totp = "api/auth/mfa/totp";

    public const string ConfirmTotp = "api/auth/mfa/totp/confirm";
    public const string RecoveryCodes = "api/auth/mfa/recovery-codes";

    /// <summary>DELETE: DeleteAccount (the caller's own, erased).</summary>
    public const string Account = "api/auth/account";

    public const string AccountExport = "api/auth/account/export";

    /// <summary>GET: ListPasskeys.</summary>
    public const string Passkeys = "api/auth/passkeys";

    /// <summary>DELETE: DeletePasskey.</summary>
    public const string Passkey = "api/auth/passkeys/{id}";

    public const string PasskeyRegistrationOptions = "api/auth/passkeys/register/options";
    public const string PasskeyRegistration = "api/auth/passkeys/register";
    public const string PasskeyLoginOptions = "api/auth/passkeys/login/options";
    public const string PasskeyLogin = "api/auth/passkeys/login";

    /// <summary>GET: StartExternalLogin.</summary>
    public const string ExternalLogin = "api/auth/external/{provider}";

    public const string ExternalLoginCallback = "api/auth/external/{provider}/callback";
    public const string ExternalLoginExchange = "api/auth/external/exchange";

    /// <summary>GET: ListIdentities.</summary>
    public const string Identities = "api/auth/identities";

    /// <summary>DELETE: UnlinkIdentity.</summary>
    public const string Identity = "api/auth/identities/{id}";

    /// <summary>GET: AdminListUsers.</summary>
    public const string AdminUsers = "api/admin/users";

    /// <summary>GET: AdminGetUser; DELETE: AdminDeleteUser.</summary>
    public const string AdminUser = "api/admin/users/{id}";

    public const string AdminDisableUser = "api/admin/users/{id}/disable";
    public const string AdminEnableUser = "api/admin/users/{id}/enable";
    public const string AdminRevokeKeys = "api/admin/users/{id}/revoke-keys";
    public const string AdminUserMfa = "api/admin/users/{id}/mfa";
    public const string AdminPasswordReset = "api/admin/users/{id}/password-reset";
    public const string AdminUserEvents = "api/admin/users/{id}/events";
    public const string AdminAudit = "api/admin/audit";

    /// <summary>POST: CreateToken; GET: ListTokens; DELETE: RevokeAllTokens.</summary>
    public const string Tokens = "api/tokens";

    /// <summary>POST: ReportLeakedKeys (anonymous).</summary>
    public const string ReportLeakedKeys = "api/tokens/revoke";

    /// <summary>DELETE: DeleteToken.</summary>
    public const string Token = "api/tokens/{id}";

    public const string Health = "api/health";
    public const string OpenApi = "api/openapi.json";

    /// <summary>The page that reset emails link to (not under /api: a browser opens it).</summary>
    public const string ResetPasswordPage = "reset-password";

    /// <summary>The page that verification emails link to.</summary>
    public const string VerifyEmailPage = "verify-email";

    /// <summary>The page where a signed-in user adds a passkey and anyone signs in with one.</summary>
    public const string PasskeysPage = "passkeys";

    /// <summary>The absolute path of a route, as links and <c>Location</c> headers use it.</summary>
    public static string PathOf(string route) => "/" + route;

    /// <summary>The path of one token (<see cref="Token"/> with its id).</summary>
    public static string TokenPath(string id) => PathOf(Tokens) + "/" + Uri.EscapeDataString(id);

    /// <summary>True for paths under <c>/api</c>: JSON answers that may carry keys and are never cached.</summary>
    public static bool IsApiPath(PathString path) => path.StartsWithSegments("/api");
}
