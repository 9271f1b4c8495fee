using Auth.Functions.Http;

namespace Auth.Functions.Recovery;

public sealed class RecoveryOptions
{
    public const string Section = "PasswordReset";

    /// <summary>Base of the link in reset emails. From configuration only, never from the request's Host header.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>How long a reset link works.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most one reset email per account in this interval.</summary>
    public TimeSpan MinIntervalPerAccount { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many reset emails per account per hour.</summary>
    public int MaxPerAccountPerHour { get; set; } = 3;

    /// <summary>At most this many reset emails per minute for the whole service (a brake on abuse of the sender).</summary>
    public int MaxPerMinute { get; set; } = 120;

    public bool HasValidBaseUrl() =>
        Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && string.IsNullOrEmpty(uri.Query);

    /// <summary>The token rides in the fragment, which browsers never send: no request log or telemetry records it.</summary>
    public string ResetLink(string token) => $"{PublicBaseUrl.TrimEnd('/')}{Routes.PathOf(Routes.ResetPasswordPage)}#token={Uri.EscapeDataString(token)}";
}
