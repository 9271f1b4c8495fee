using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>Who signs in at <see cref="TestOidcProvider"/> next.</summary>
public sealed record TestPerson(string Subject, string Email, bool EmailVerified);

/// <summary>What a misbehaving provider changes in the next id token it issues (null: keep it).</summary>
public sealed record IdTokenChange(string? Issuer = null, string? Audience = null, string? Nonce = null, SecurityKey? SigningKey = null, DateTime? Expires = null);

/// <summary>
/// A real OpenID Connect provider on a local port: OpenIddict's server (7.9.0) with discovery, JWKS, the
/// authorization endpoint (the current <see cref="Person"/> signs in and consents at once) and the token
/// endpoint (authorization code with PKCE, client secret checked), in degraded mode (no database). Id
/// tokens are signed with <see cref="SigningKey"/>. Told to misbehave (<see cref="NextChange"/>), it
/// answers the next token request with an id token re-signed with that change.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "auth-functions-tests";
    public const string ClientSecret = "a test client secret";

    private readonly WebApplication _app;

    private TestOidcProvider(WebApplication app, string issuer, RsaSecurityKey key)
    {
        _app = app;
        Issuer = issuer;
        SigningKey = key;
    }

    /// <summary>The issuer, with its trailing slash: the authority the app is configured with.</summary>
    public string Issuer { get; }

    public RsaSecurityKey SigningKey { get; }

    public TestPerson Person { get; set; } = new("subject-" + Guid.NewGuid().ToString("N")[..8], $"person-{Guid.NewGuid():N}@example.com", EmailVerified: true);

    public IdTokenChange? NextChange { get; set; }

    /// <summary>Every redirect URI the authorization endpoint was asked to send a person back to.</summary>
    public List<string> RedirectUris { get; } = [];

    /// <param name="port">Where it listens (on localhost); a free port by default.</param>
    public static async Task<TestOidcProvider> StartAsync(int? port = null)
    {
        port ??= LocalProcess.FreePort();
        var issuer = $"http://localhost:{port}/";
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-" + port };
        TestOidcProvider? provider = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port.Value));
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(new Uri(issuer));
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.Email, Scopes.Profile);
            options.EnableDegradedMode();
            options.AddSigningKey(key);
            options.AddEphemeralEncryptionKey();
            options.DisableAccessTokenEncryption();
            options.UseAspNetCore().DisableTransportSecurityRequirement();

            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client.");
                }

                lock (provider!.RedirectUris)
                {
                    provider.RedirectUris.Add(context.RedirectUri ?? "");
                }

                return default;
            }));
            options.AddEventHandler<HandleAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                var person = provider!.Person;
                var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
                identity.AddClaim(new Claim(Claims.Subject, person.Subject));
                identity.AddClaim(new Claim(Claims.Email, person.Email));
                identity.AddClaim(new Claim(Claims.EmailVerified, person.EmailVerified ? "true" : "false", ClaimValueTypes.Boolean));
                identity.SetDestinations(static _ => [Destinations.IdentityToken, Destinations.AccessToken]);
                var principal = new ClaimsPrincipal(identity);
                principal.SetScopes(context.Request.GetScopes());
                context.SignIn(principal);
                return default;
            }));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.Request.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Wrong client credentials.");
                }

                return default;
            }));
            options.AddEventHandler<HandleTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                context.SignIn(context.Principal!);
                return default;
            }));
        });
        var app = builder.Build();
        provider = new TestOidcProvider(app, issuer, key);
        app.Use(async (context, next) =>
        {
            if (context.Request.Path != "/connect/token" || provider.NextChange is not { } change)
            {
                await next(context);
                return;
            }

            provider.NextChange = null;
            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            await next(context);
            context.Response.Body = original;
            var answer = JsonNode.Parse(buffer.ToArray())!;
            if (answer["id_token"] is { } idToken)
            {
                answer["id_token"] = provider.Reissue((string)idToken!, change);
            }

            var bytes = System.Text.Encoding.UTF8.GetBytes(answer.ToJsonString());
            context.Response.ContentLength = bytes.Length;
            await original.WriteAsync(bytes);
        });
        app.UseAuthentication();
        await app.StartAsync();
        return provider;
    }

    /// <summary>The id token as issued, with the change applied and signed again (with the change's key, or the provider's).</summary>
    private string Reissue(string idToken, IdTokenChange change)
    {
        var token = new JsonWebToken(idToken);
        var claims = token.Claims
            .Where(c => c.Type is not ("iss" or "aud" or "exp" or "nbf" or "iat" or "nonce"))
            .GroupBy(c => c.Type)
            .ToDictionary(g => g.Key, g => (object)(g.First().ValueType == ClaimValueTypes.Boolean ? bool.Parse(g.First().Value) : g.First().Value));
        claims["nonce"] = change.Nonce ?? token.GetClaim("nonce").Value;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = change.Issuer ?? token.Issuer,
            Audience = change.Audience ?? token.Audiences.First(),
            Claims = claims,
            IssuedAt = DateTime.UtcNow,
            NotBefore = change.Expires is { } past ? past.AddMinutes(-10) : DateTime.UtcNow,
            Expires = change.Expires ?? token.ValidTo,
            SigningCredentials = new SigningCredentials(change.SigningKey ?? SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
