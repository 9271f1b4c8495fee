using Auth.Functions.Accounts;
using Auth.Functions.Admin;
using Auth.Functions.Email;
using Auth.Functions.Events;
using Auth.Functions.Http;
using Auth.Functions.Identities;
using Auth.Functions.Mfa;
using Auth.Functions.Passkeys;
using Auth.Functions.Secrets;
using Auth.Functions.Notifications;
using Auth.Functions.Passwords;
using Auth.Functions.Purge;
using Auth.Functions.Recovery;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Verification;

namespace Auth.Functions.Hosting;

public static class AppServices
{
    /// <summary>
    /// Everything the functions need, registered the same way under both hosts: the worker's and the
    /// standalone server's containers are built by this one method.
    /// </summary>
    public static IServiceCollection AddAuthFunctions(this IServiceCollection services)
    {
        // Source-generated JSON, strict about types: each feature's own shapes.
        services.ConfigureHttpJsonOptions(o => UseFeatureJson(o.SerializerOptions));
        // Table and queue clients from AzureWebJobsStorage; tables and queues created once, after start-up.
        services.AddStorage();
        // The per-user security log.
        services.AddSecurityEvents();
        // Password hashing.
        services.AddPasswords();
        // Session and API keys: storing, validating, revoking.
        services.AddTokens();
        // The keys that encrypt secrets at rest: Key Vault in Azure, a key file locally.
        services.AddSecretKeys();
        // The second factor's rows: TOTP secrets, recovery codes, login tickets.
        services.AddMfa();
        // Passkeys' rows and WebAuthn verification (Fido2), for the relying party Passkeys__RelyingPartyId.
        services.AddPasskeys();
        // External providers (OpenID Connect, GitHub) and the identities linked to accounts.
        services.AddIdentities();
        // Registration, login and its throttling, changing a password, the second factor's and passkeys' endpoints.
        services.AddAccounts();
        // Forgot/reset password: the reset queue and its worker.
        services.AddRecovery();
        // The reset email's sender: pickup folder, SMTP or Azure Communication Services.
        services.AddEmail();
        // Security notifications by email.
        services.AddNotifications();
        // Email verification: links sent through the notifications' queue.
        services.AddEmailVerification();
        // The admin API: admin keys' calls, the audit log.
        services.AddAdmin();
        // What the hourly PurgeExpiredTokens runs.
        services.AddPurge();
        // Per-address limits on anonymous endpoints that create work.
        services.AddRateLimits();
        // PublicBaseUrl: where the links in emails point.
        services.AddPublicLinks();
        // CORS for the browser apps' origins (Cors__AllowedOrigins__N), with each route's methods for preflights.
        services.AddApiCors();
        services.AddSingleton<IRouteMethods, FunctionRouteMethods>();
        // What every HTTP function runs around its handler, and the OpenAPI document.
        services.AddSingleton<ApiPipeline>();
        services.AddSingleton<ApiDocument>();
        return services;
    }

    /// <summary>The serializer contexts of every feature, ahead of anything reflection-based.</summary>
    public static void UseFeatureJson(System.Text.Json.JsonSerializerOptions options)
    {
        // The web defaults would read "5" as a number (and the document would type numbers as
        // "integer | string"): the API takes numbers as numbers only.
        options.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        options.TypeInfoResolverChain.Insert(0, AppJsonContext.Default);
        options.TypeInfoResolverChain.Insert(1, Accounts.AccountsJsonContext.Default);
        options.TypeInfoResolverChain.Insert(2, Tokens.TokensJsonContext.Default);
        options.TypeInfoResolverChain.Insert(3, Recovery.RecoveryJsonContext.Default);
        options.TypeInfoResolverChain.Insert(4, Health.HealthJsonContext.Default);
        options.TypeInfoResolverChain.Insert(5, NotificationsJsonContext.Default);
        options.TypeInfoResolverChain.Insert(6, Verification.VerificationJsonContext.Default);
        options.TypeInfoResolverChain.Insert(7, AdminJsonContext.Default);
    }
}
