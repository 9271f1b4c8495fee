using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>
/// A local stand-in for the Key Vault secrets REST API (there is no emulator), over HTTPS on a
/// certificate of its own, as the real client insists on TLS for bearer tokens. It answers as the
/// service does: 401 with the Bearer challenge to a request without a token, then only the token its
/// credential issued, for the vault scope; it lists a secret's versions and returns each version's value.
/// </summary>
public sealed class KeyVaultStandIn : IAsyncDisposable
{
    public const string Token = "token-for-the-vault";
    public const string Scope = "https://vault.azure.net/.default";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, List<(string Version, string Value, bool Enabled, DateTimeOffset Created)>> _secrets = new();

    private KeyVaultStandIn(WebApplication app, X509Certificate2 certificate, int port)
    {
        _app = app;
        _certificate = certificate;
        Uri = new Uri($"https://127.0.0.1:{port}/");
    }

    public Uri Uri { get; }

    /// <summary>Every request as "METHOD path authorization", in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The scopes the credential was asked for.</summary>
    public ConcurrentQueue<string> ScopesAsked { get; } = new();

    public static async Task<KeyVaultStandIn> StartAsync()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        var port = LocalProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.UseHttps(certificate)));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new KeyVaultStandIn(app, certificate, port);
        app.Run(standIn.HandleAsync);
        await app.StartAsync();
        return standIn;
    }

    /// <summary>Adds a new version of a secret (a rotation, as <c>az keyvault secret set</c> does) and returns its id.</summary>
    public string AddVersion(string name, string value, bool enabled = true)
    {
        var version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var versions = _secrets.GetOrAdd(name, _ => []);
        lock (versions)
        {
            versions.Add((version, value, enabled, DateTimeOffset.UtcNow.AddSeconds(versions.Count)));
        }

        return version;
    }

    /// <summary>A client of this vault as the app builds one, with the stand-in's certificate trusted (pinned) and this credential.</summary>
    public SecretClient Client() => new(Uri, new Credential(this), new SecretClientOptions
    {
        Transport = new HttpClientTransport(new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == _certificate.GetCertHashString(),
            },
        })),
        // The challenge names vault.azure.net; this vault's host is 127.0.0.1.
        DisableChallengeResourceVerification = true,
        Retry = { MaxRetries = 0 },
    });

    private async Task HandleAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} {authorization}");
        if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            context.Response.StatusCode = 400;
            return;
        }

        if (authorization.Length == 0)
        {
            // The challenge the real vault answers a request without a token with.
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"";
            return;
        }

        if (authorization != "Bearer " + Token)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "Unauthorized", message = "The token is not valid for this vault." } });
            return;
        }

        var parts = context.Request.Path.Value!.Trim('/').Split('/');
        if (parts.Length < 2 || parts[0] != "secrets" || !_secrets.TryGetValue(parts[1], out var versions))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "SecretNotFound", message = "A secret with (name/id) was not found in this key vault." } });
            return;
        }

        List<(string Version, string Value, bool Enabled, DateTimeOffset Created)> snapshot;
        lock (versions)
        {
            snapshot = [.. versions];
        }

        JsonObject Attributes((string Version, string Value, bool Enabled, DateTimeOffset Created) v) => new()
        {
            ["enabled"] = v.Enabled,
            ["created"] = v.Created.ToUnixTimeSeconds(),
            ["updated"] = v.Created.ToUnixTimeSeconds(),
            ["recoveryLevel"] = "Recoverable",
        };
        string Id(string version) => new Uri(Uri, $"secrets/{parts[1]}/{version}").ToString();

        if (parts.Length == 3 && parts[2] == "versions")
        {
            var page = new JsonObject
            {
                ["value"] = new JsonArray([.. snapshot.Select(v => (JsonNode)new JsonObject { ["id"] = Id(v.Version), ["attributes"] = Attributes(v) })]),
                ["nextLink"] = null,
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(page.ToJsonString());
            return;
        }

        var wanted = parts.Length == 3 ? snapshot.FirstOrDefault(v => v.Version == parts[2]) : snapshot.LastOrDefault(v => v.Enabled);
        if (wanted.Version is null || !wanted.Enabled)
        {
            context.Response.StatusCode = wanted.Version is null ? 404 : 403;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["value"] = wanted.Value, ["id"] = Id(wanted.Version), ["attributes"] = Attributes(wanted) }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    /// <summary>The managed identity's part: a token for the vault scope, the only one the stand-in accepts.</summary>
    private sealed class Credential(KeyVaultStandIn vault) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                vault.ScopesAsked.Enqueue(scope);
            }

            return new AccessToken(requestContext.Scopes.SequenceEqual([Scope]) ? Token : "token-for-something-else", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
