namespace Auth.Functions.Passkeys;

/// <summary>Passkeys (<c>Passkeys__…</c>): whose credentials they are, and which pages may run their ceremonies.</summary>
public sealed class PasskeyOptions
{
    public const string Section = "Passkeys";

    /// <summary>What a page served by <c>./run.sh</c> is: the origins allowed when none are configured.</summary>
    public const string LocalOrigin = "http://localhost:7071";

    /// <summary>
    /// The relying party id: the app's registrable domain (<c>example.com</c>), which every origin's host
    /// must equal or end in. A passkey is bound to it for good: changing it orphans every passkey.
    /// </summary>
    public string RelyingPartyId { get; set; } = "localhost";

    /// <summary>The name a browser shows when it asks to create a passkey.</summary>
    public string RelyingPartyName { get; set; } = "Auth.Functions";

    /// <summary>The exact origins (<c>https://app.example.com</c>) whose pages may run a ceremony (<c>Passkeys__Origins__0…</c>).</summary>
    public string[]? Origins { get; set; }

    /// <summary>How long a begun ceremony can be finished.</summary>
    public TimeSpan CeremonyLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How recent a sign-in must be to add a passkey: a registration is begun with a session key at
    /// most this old. A passkey outlives every key and a password reset, so a stolen or forgotten
    /// session, or a long-lived API key, must not be able to add one.
    /// </summary>
    public TimeSpan RegistrationWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The configured origins, or <see cref="LocalOrigin"/> when none are.</summary>
    public IReadOnlyList<string> AllowedOrigins => Origins is { Length: > 0 } origins ? origins : [LocalOrigin];

    /// <summary>Each origin is a bare http(s) origin whose host is the relying party id or under it (null: all are).</summary>
    public string? OriginProblem()
    {
        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
                || uri.GetLeftPart(UriPartial.Authority) != origin.TrimEnd('/'))
            {
                return $"{Section}__Origins: \"{origin}\" is not an origin (scheme://host[:port], no path).";
            }

            var host = uri.IdnHost;
            if (host != RelyingPartyId && !host.EndsWith("." + RelyingPartyId, StringComparison.Ordinal))
            {
                return $"{Section}__Origins: the host of \"{origin}\" is not {Section}__RelyingPartyId (\"{RelyingPartyId}\") or under it.";
            }
        }

        return null;
    }
}
