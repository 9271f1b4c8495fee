namespace Auth.Functions.Http;

/// <summary>What an endpoint asks of <see cref="ApiPipeline"/> before its handler runs.</summary>
/// <param name="AcceptsJson">The body must be <c>application/json</c> (else 415 <c>unsupported_media_type</c>).</param>
/// <param name="RateLimit">A per-address limit of <see cref="RateLimits"/> (else none).</param>
/// <param name="NeedsStorage">Wait for the tables and queues to exist (else the handler never touches storage).</param>
public sealed record ApiPolicy(bool AcceptsJson = false, string? RateLimit = null, bool NeedsStorage = true)
{
    public static readonly ApiPolicy Default = new();

    public static readonly ApiPolicy Json = new(AcceptsJson: true);

    /// <summary>Served from memory: no storage, no body.</summary>
    public static readonly ApiPolicy Static = new(NeedsStorage: false);
}
