using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Identities;

/// <summary>The configured providers, made once, by name; and the HTTP both kinds share.</summary>
public sealed class ExternalProviders : IDisposable
{
    public const string Google = "google";
    public const string Microsoft = "microsoft";
    public const string GitHub = "github";
    public const string Oidc = "oidc";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Dictionary<string, IExternalProvider> _providers = new(StringComparer.Ordinal);

    public ExternalProviders(IOptions<ExternalLoginOptions> options)
    {
        foreach (var (name, provider) in options.Value.Providers)
        {
            var kind = KindOf(name, provider);
            _providers[name] = kind == GitHub ? new GitHubProvider(name, provider, _http) : new OidcProvider(name, kind, provider, _http);
        }
    }

    public static string KindOf(string name, ExternalProviderOptions provider) =>
        (provider.Type ?? (name is Google or Microsoft or GitHub ? name : Oidc)).ToLowerInvariant();

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IExternalProvider? provider) =>
        _providers.TryGetValue(name, out provider);

    public static string WithQuery(string endpoint, IReadOnlyDictionary<string, string> parameters) =>
        endpoint + (endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?")
        + string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>A form POST whose JSON answer is returned; any failure is an <see cref="ExternalLoginException"/>.</summary>
    public static async Task<JsonDocument> PostFormAsync(HttpClient http, string endpoint, IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await ReadJsonAsync(http, request, cancellationToken);
    }

    public static async Task<JsonDocument> ReadJsonAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ExternalLoginException($"{request.RequestUri?.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}.");
            }

            return JsonDocument.Parse(body);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ExternalLoginException($"{request.RequestUri?.GetLeftPart(UriPartial.Path)} could not be read.", e);
        }
    }

    public void Dispose() => _http.Dispose();
}
