using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Auth.Functions.Identities;

/// <summary>
/// An OpenID Connect provider (google, microsoft, or any by its authority). Discovery, the signing keys
/// and their refresh are Microsoft.IdentityModel's <see cref="ConfigurationManager{T}"/>; the id token is
/// validated by its <see cref="JsonWebTokenHandler"/> (signature from the provider's JWKS, issuer,
/// audience, lifetime), then its <c>nonce</c> is compared with the one this sign-in sent.
/// </summary>
public sealed class OidcProvider : IExternalProvider
{
    private static readonly string[] DefaultScopes = ["openid", "email", "profile"];
    private static readonly HashSet<string> MultiTenant = new(["common", "organizations", "consumers"], StringComparer.OrdinalIgnoreCase);

    private readonly ExternalProviderOptions _options;
    private readonly HttpClient _http;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _configuration;
    private readonly string _kind;
    private readonly JsonWebTokenHandler _tokens = new();

    public OidcProvider(string name, string kind, ExternalProviderOptions options, HttpClient http)
    {
        Name = name;
        _kind = kind;
        _options = options;
        _http = http;
        var authority = AuthorityOf(kind, options).TrimEnd('/');
        _configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            authority + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(http) { RequireHttps = options.RequireHttpsMetadata });
    }

    public string Name { get; }

    public static string AuthorityOf(string kind, ExternalProviderOptions options) => kind switch
    {
        ExternalProviders.Google => options.Authority ?? "https://accounts.google.com",
        ExternalProviders.Microsoft => options.Authority ?? $"https://login.microsoftonline.com/{options.Tenant ?? "common"}/v2.0",
        _ => options.Authority ?? throw new InvalidOperationException("An OpenID Connect provider needs its Authority."),
    };

    public async Task<string> AuthorizationUrlAsync(string callback, string state, string nonce, string codeChallenge, CancellationToken cancellationToken)
    {
        var configuration = await ConfigurationAsync(cancellationToken);
        return ExternalProviders.WithQuery(configuration.AuthorizationEndpoint, new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = _options.ClientId,
            ["redirect_uri"] = callback,
            ["scope"] = string.Join(' ', _options.Scopes ?? DefaultScopes),
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = codeChallenge,
            ["code_challenge_method"] = "S256",
        });
    }

    public async Task<ExternalIdentity> RedeemAsync(string code, string codeVerifier, string callback, string nonce, CancellationToken cancellationToken)
    {
        var configuration = await ConfigurationAsync(cancellationToken);
        using var answer = await ExternalProviders.PostFormAsync(_http, configuration.TokenEndpoint, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = callback,
            ["code_verifier"] = codeVerifier,
            ["client_id"] = _options.ClientId,
            ["client_secret"] = _options.ClientSecret ?? "",
        }, cancellationToken);
        if (!answer.RootElement.TryGetProperty("id_token", out var idToken) || idToken.ValueKind != JsonValueKind.String)
        {
            throw new ExternalLoginException("The token endpoint answered without an id_token.");
        }

        var result = await ValidateAsync(idToken.GetString()!, configuration);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The provider rotated its keys: read its metadata again, once.
            _configuration.RequestRefresh();
            result = await ValidateAsync(idToken.GetString()!, await ConfigurationAsync(cancellationToken));
        }

        if (!result.IsValid)
        {
            throw new ExternalLoginException("The id token did not validate: " + result.Exception?.GetType().Name, result.Exception);
        }

        var claims = result.Claims;
        if (!claims.TryGetValue("nonce", out var sentBack) || sentBack is not string echoed
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(echoed), Encoding.UTF8.GetBytes(nonce)))
        {
            throw new ExternalLoginException("The id token's nonce is not this sign-in's.");
        }

        var subject = claims.TryGetValue("sub", out var sub) && sub is string s && s.Length > 0
            ? s
            : throw new ExternalLoginException("The id token has no subject.");
        var email = claims.TryGetValue("email", out var e) ? e as string : null;
        var verified = claims.TryGetValue("email_verified", out var v) && IsTrue(v);
        return new ExternalIdentity(Name, subject, email, verified, MayLinkByEmail(claims));
    }

    /// <summary>
    /// microsoft: only when the token proves the email's domain belongs to the tenant (<c>xms_edov</c>),
    /// since an Entra ID user's <c>email</c> is whatever the tenant's admin typed. Others: the setting.
    /// </summary>
    private bool MayLinkByEmail(IDictionary<string, object> claims) => _kind switch
    {
        ExternalProviders.Microsoft => claims.TryGetValue("xms_edov", out var edov) && IsTrue(edov),
        ExternalProviders.Google => _options.TrustVerifiedEmail ?? true,
        _ => _options.TrustVerifiedEmail ?? false,
    };

    private static bool IsTrue(object value) => value is true || (value is string text && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase));

    private Task<TokenValidationResult> ValidateAsync(string idToken, OpenIdConnectConfiguration configuration)
    {
        var parameters = new TokenValidationParameters
        {
            ValidAudience = _options.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(2),
        };
        if (_kind == ExternalProviders.Microsoft && MultiTenant.Contains(_options.Tenant ?? "common") && configuration.Issuer.Contains("{tenantid}", StringComparison.Ordinal))
        {
            // One issuer per tenant: the token's own tenant must be the one its issuer names.
            parameters.IssuerValidator = (issuer, token, _) =>
                token is JsonWebToken jwt && jwt.TryGetPayloadValue<string>("tid", out var tenant)
                    && issuer == configuration.Issuer.Replace("{tenantid}", tenant, StringComparison.Ordinal)
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException("The issuer is not the token's tenant's.");
        }
        else
        {
            parameters.ValidIssuer = configuration.Issuer;
        }

        return _tokens.ValidateTokenAsync(idToken, parameters);
    }

    private async Task<OpenIdConnectConfiguration> ConfigurationAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _configuration.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
        {
            throw new ExternalLoginException($"The metadata of {Name} could not be read.", e);
        }
    }
}
