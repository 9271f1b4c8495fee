using System.Net.Http.Headers;
using System.Text;
using Auth.Functions.Http;
using Auth.Functions.Storage;
using Auth.Functions.Users;

namespace Auth.Functions.Tokens;

/// <summary>
/// The authenticated caller of a request: the key's token row and its owner's row as read when the
/// key was validated. Whatever the request goes on to authorise is stamped with that row's generation.
/// </summary>
public sealed record Caller(UserEntity User, TokenEntity Token)
{
    public string UserId => User.PartitionKey;

    public string TokenId => Token.TokenId;

    /// <summary>
    /// The caller holds a session key minted less than <paramref name="window"/> before <paramref name="now"/>:
    /// a recent sign-in, the proof a change takes where there is no password to ask for, or where a
    /// password alone would not do (an API key or an old session never passes).
    /// </summary>
    public bool SignedInWithin(TimeSpan window, DateTimeOffset now) =>
        Token.Type == TokenStore.TypeName(KeyKind.Session) && now - Token.Created <= window;
}

/// <summary>
/// Validates <c>Authorization: Bearer {key}</c> or <c>Basic base64({email}:{key})</c>. Malformed input is
/// rejected without a storage read; a well-formed key costs two point reads issued together (the
/// token row and its owner's row, for the revocation generation), so one round trip; nothing is
/// cached, so a revoked key is refused by every instance at once. Storage failures propagate (fail
/// closed: 503).
/// </summary>
public sealed class KeyAuthenticator(TokenStore tokens, UserStore users)
{
    // Room for Basic with a 254-character email and a 256-code-point password (up to 1 KiB of UTF-8),
    // base64-encoded; anything longer is refused before it is decoded.
    private const int MaxHeaderLength = 2048;

    public async Task<Caller?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!TryReadCredentials(request.Headers.Authorization.ToString(), out var key, out var basicEmail)
            || !Keys.TryParse(key, out var parsed)
            || !Keys.IsBearer(parsed.Kind))
        {
            return null;
        }

        // Two point reads at once, not `RowKey eq a or RowKey eq b`: Table Storage runs that as a
        // partition scan whose cost grows with the user's key count.
        var tokenRead = tokens.GetAsync(parsed, cancellationToken);
        var ownerRead = users.GetAsync(parsed.UserId, cancellationToken);
        await Task.WhenAll(tokenRead, ownerRead);
        var (token, owner) = (await tokenRead, await ownerRead);
        if (token is null || owner is null || !tokens.IsLive(key, parsed, token, owner))
        {
            return null;
        }

        // With Basic, the key stands in for the password: the user part must name the key's owner.
        if (basicEmail is not null && owner.NormalizedEmail != EmailAddress.NormalizeLoosely(basicEmail))
        {
            return null;
        }

        await tokens.TouchAsync(token, cancellationToken);
        return new Caller(owner, token);
    }

    /// <summary>Reads a Bearer key, or the user and secret of Basic credentials.</summary>
    public static bool TryReadCredentials(string header, out string secret, out string? basicUser)
    {
        secret = "";
        basicUser = null;
        if (header.Length is 0 or > MaxHeaderLength || !AuthenticationHeaderValue.TryParse(header, out var value) || value.Parameter is null)
        {
            return false;
        }

        if (value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            secret = value.Parameter.Trim();
            return secret.Length > 0;
        }

        if (!value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[MaxHeaderLength * 3 / 4];
        if (!Convert.TryFromBase64String(value.Parameter.Trim(), decoded, out var written))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(decoded[..written]);
        }
        catch (ArgumentException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        basicUser = text[..colon];
        secret = text[(colon + 1)..];
        return secret.Length > 0;
    }
}

/// <summary>
/// The pipeline for functions that need a key: <see cref="ApiPipeline"/>, then 401 <c>unauthorized</c>
/// unless the request carries a live key (403 <c>forbidden</c> for a live admin key: those work on
/// <c>/api/admin/*</c> only), then the handler with its caller.
/// </summary>
public sealed class KeyedApi(ApiPipeline api, KeyAuthenticator authenticator, AdminKeyStore adminKeys)
{
    public Task<IResult> RunAsync(HttpRequest request, ApiPolicy policy, Func<Caller, HttpRequest, CancellationToken, Task<IResult>> handler) =>
        api.RunAsync(request, policy, async (request, cancellationToken) =>
        {
            if (await authenticator.AuthenticateAsync(request, cancellationToken) is { } caller)
            {
                return await handler(caller, request, cancellationToken);
            }

            // Only on the refusal path: an admin key costs its one read here, any other key nothing more.
            return KeyAuthenticator.TryReadCredentials(request.Headers.Authorization.ToString(), out var key, out var basicUser)
                && basicUser is null && await adminKeys.AuthenticateAsync(key, cancellationToken) is not null
                ? Problems.Forbidden()
                : Problems.Unauthorized();
        });
}
