namespace Auth.Functions.Http;

/// <summary>
/// Which URLs may be configured as where users and browser apps talk to the service: https, or plain
/// http only on this machine's loopback (local development). Keys and reset links crossing a network
/// in clear are not a configuration this service accepts.
/// </summary>
public static class SecureScheme
{
    /// <remarks><see cref="Uri.IsLoopback"/> covers <c>localhost</c>, 127.0.0.0/8 and [::1].</remarks>
    public static bool IsAllowed(Uri uri) => uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);
}
