using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Auth.Functions.Identities;

/// <summary>
/// GitHub: OAuth 2.0 (not OpenID Connect), with PKCE. The code is redeemed for an access token, which
/// reads the user's numeric id (the subject) and their primary address, taken only if GitHub says it
/// is verified.
/// </summary>
public sealed class GitHubProvider(string name, ExternalProviderOptions options, HttpClient http) : IExternalProvider
{
    private static readonly string[] DefaultScopes = ["read:user", "user:email"];

    public string Name => name;

    private string AuthorizationEndpoint => options.AuthorizationEndpoint ?? "https://github.com/login/oauth/authorize";
    private string TokenEndpoint => options.TokenEndpoint ?? "https://github.com/login/oauth/access_token";
    private string ApiBaseUrl => (options.ApiBaseUrl ?? "https://api.github.com").TrimEnd('/');

    public Task<string> AuthorizationUrlAsync(string callback, string state, string nonce, string codeChallenge, CancellationToken cancellationToken) =>
        Task.FromResult(ExternalProviders.WithQuery(AuthorizationEndpoint, new Dictionary<string, string>
        {
            ["client_id"] = options.ClientId,
            ["redirect_uri"] = callback,
            ["scope"] = string.Join(' ', options.Scopes ?? DefaultScopes),
            ["state"] = state,
            ["code_challenge"] = codeChallenge,
            ["code_challenge_method"] = "S256",
            ["allow_signup"] = "false",
        }));

    public async Task<ExternalIdentity> RedeemAsync(string code, string codeVerifier, string callback, string nonce, CancellationToken cancellationToken)
    {
        using var answer = await ExternalProviders.PostFormAsync(http, TokenEndpoint, new Dictionary<string, string>
        {
            ["client_id"] = options.ClientId,
            ["client_secret"] = options.ClientSecret ?? "",
            ["code"] = code,
            ["redirect_uri"] = callback,
            ["code_verifier"] = codeVerifier,
        }, cancellationToken);
        if (!answer.RootElement.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String)
        {
            throw new ExternalLoginException("GitHub answered without an access token.");
        }

        using var user = await GetAsync("/user", token.GetString()!, cancellationToken);
        if (!user.RootElement.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number)
        {
            throw new ExternalLoginException("GitHub's user has no id.");
        }

        using var emails = await GetAsync("/user/emails", token.GetString()!, cancellationToken);
        var primary = emails.RootElement.ValueKind == JsonValueKind.Array
            ? emails.RootElement.EnumerateArray().FirstOrDefault(e => e.TryGetProperty("primary", out var p) && p.ValueKind == JsonValueKind.True)
            : default;
        var email = primary.ValueKind == JsonValueKind.Object && primary.TryGetProperty("email", out var address) ? address.GetString() : null;
        var verified = primary.ValueKind == JsonValueKind.Object && primary.TryGetProperty("verified", out var v) && v.ValueKind == JsonValueKind.True;
        return new ExternalIdentity(Name, id.GetInt64().ToString(CultureInfo.InvariantCulture), email, verified, options.TrustVerifiedEmail ?? true);
    }

    private async Task<JsonDocument> GetAsync(string path, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiBaseUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Auth.Functions", "1.2"));
        return await ExternalProviders.ReadJsonAsync(http, request, cancellationToken);
    }
}
