namespace Auth.Functions.Http;

/// <summary>
/// Who sent the request being served, as far as the request says: the client's address (as
/// <see cref="RateLimits.ClientIp"/> reads it) and its <c>User-Agent</c>, cut to
/// <see cref="MaxUserAgentLength"/>. Recorded in the security log, trusted for nothing.
/// Set by <see cref="ApiPipeline"/> for the rest of the request.
/// </summary>
public sealed record ClientInfo(string? Ip, string? UserAgent)
{
    public const int MaxUserAgentLength = 256;

    private static readonly AsyncLocal<ClientInfo?> CurrentRequest = new();

    /// <summary>The client of the request this code runs for, or null outside a request.</summary>
    public static ClientInfo? Current => CurrentRequest.Value;

    public static void Set(ClientInfo? client) => CurrentRequest.Value = client;

    public static ClientInfo Of(HttpContext context, RateLimitOptions options)
    {
        var agent = context.Request.Headers.UserAgent.ToString();
        agent = new string(agent.Where(c => !char.IsControl(c)).Take(MaxUserAgentLength).ToArray());
        return new ClientInfo(RateLimits.ClientIp(context, options), agent.Length == 0 ? null : agent);
    }
}
