using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Http;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Registrations per client address per minute (register may reveal that an email is taken).</summary>
    public int RegisterPerMinute { get; set; } = 10;

    /// <summary>Forgot-password requests per client address per minute.</summary>
    public int ForgotPasswordPerMinute { get; set; } = 10;

    /// <summary>Requests for a new verification email per client address per minute.</summary>
    public int ResendVerificationPerMinute { get; set; } = 10;

    /// <summary>
    /// Logins (JSON and Basic together) per client address per minute. Each costs a full Argon2 (an
    /// unknown email too), so one address must not fill every hashing slot or spray guesses across
    /// accounts; the per-account throttle cannot see a spray.
    /// </summary>
    public int LoginPerMinute { get; set; } = 60;

    /// <summary>Admin API calls per client address per minute (the app's backend; a leaked admin key is slowed down too).</summary>
    public int AdminPerMinute { get; set; } = 600;

    /// <summary>Leaked-key reports per client address per minute (each may carry 100 keys).</summary>
    public int ReportLeakedKeysPerMinute { get; set; } = 10;

    /// <summary>
    /// Proxies in front of the app that each append the address they saw to <c>X-Forwarded-For</c>.
    /// Unset: 1 under the Functions host (its front end appends the client's address; the worker
    /// host sets this default), 0 standalone (the header is then the client's own word and is ignored).
    /// </summary>
    public int? TrustedProxies { get; set; }
}

/// <summary>
/// Per-address limits of this instance, in memory, for the anonymous endpoints that create work: they
/// protect this instance's resources (hashing slots, email quota), so each instance counts its own.
/// Failed logins are also counted in storage, across instances, per account and client network (the
/// Accounts feature's login throttle).
/// </summary>
public static class RateLimits
{
    public const string Register = "register";
    public const string Login = "login";
    public const string ForgotPassword = "forgot-password";
    public const string ReportLeakedKeys = "report-leaked-keys";
    public const string ResendVerification = "resend-verification";
    public const string Admin = "admin";

    /// <summary>Where addresses that cannot be parsed share one bucket: junk never makes new partitions.</summary>
    public const string UnparsableBucket = ClientNetwork.Unknown;

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.TrustedProxies is null or >= 0, $"{RateLimitOptions.Section}:TrustedProxies must be 0 or more.").ValidateOnStart();
        services.AddSingleton<ClientRateLimiter>();
        return services;
    }

    /// <summary>
    /// The client's address as a limiter bucket. Behind N trusted proxies it is the N-th
    /// <c>X-Forwarded-For</c> entry from the right: the one the outermost trusted proxy appended.
    /// Entries further left are the client's own word. IPv6 clients are bucketed by /64, since one
    /// host usually holds a whole /64.
    /// </summary>
    public static string ClientAddress(HttpContext context, RateLimitOptions options) =>
        ClientIp(context, options) is { } ip ? Bucket(ip) : UnparsableBucket;

    /// <summary>
    /// The client's address as the request states it: the <c>X-Forwarded-For</c> entry the outermost
    /// trusted proxy appended, or the connection's remote address. Null when there is neither.
    /// </summary>
    public static string? ClientIp(HttpContext context, RateLimitOptions options)
    {
        var proxies = options.TrustedProxies ?? 0;
        if (proxies > 0)
        {
            var entries = context.Request.Headers["X-Forwarded-For"]
                .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .ToList();
            if (entries.Count >= proxies)
            {
                return entries[^proxies];
            }
        }

        return context.Connection.RemoteIpAddress is { } remote
            ? (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString()
            : null;
    }

    /// <summary>"203.0.113.7", "203.0.113.7:51234", "2001:db8::1", "[2001:db8::1]:443" to a bucket name.</summary>
    public static string Bucket(string entry) => ParseAddress(entry) is { } address ? ClientNetwork.Block(address, ipv4PrefixLength: 32) : UnparsableBucket;

    /// <summary>The address of an <c>X-Forwarded-For</c> entry or a remote address, with or without a port; null for junk.</summary>
    public static IPAddress? ParseAddress(string? entry)
    {
        var host = entry ?? "";
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? host[1..close] : host;
        }
        else if (host.Count(c => c == ':') == 1)
        {
            host = host[..host.IndexOf(':', StringComparison.Ordinal)];
        }

        return IPAddress.TryParse(host, out var address) ? address : null;
    }
}

/// <summary>The per-address fixed windows of <see cref="RateLimits"/>, one limiter per policy.</summary>
public sealed class ClientRateLimiter : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly Dictionary<string, PartitionedRateLimiter<HttpContext>> _limiters;

    public ClientRateLimiter(IOptions<RateLimitOptions> options)
    {
        _options = options.Value;
        _limiters = new()
        {
            [RateLimits.Register] = PerAddress(_options.RegisterPerMinute),
            [RateLimits.Login] = PerAddress(_options.LoginPerMinute),
            [RateLimits.ForgotPassword] = PerAddress(_options.ForgotPasswordPerMinute),
            [RateLimits.ReportLeakedKeys] = PerAddress(_options.ReportLeakedKeysPerMinute),
            [RateLimits.ResendVerification] = PerAddress(_options.ResendVerificationPerMinute),
            [RateLimits.Admin] = PerAddress(_options.AdminPerMinute),
        };
    }

    /// <summary>Null when the request may go on; otherwise how long the client should wait.</summary>
    public TimeSpan? TryAcquire(string policy, HttpContext context)
    {
        using var lease = _limiters[policy].AttemptAcquire(context);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    private PartitionedRateLimiter<HttpContext> PerAddress(int permits) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
            RateLimits.ClientAddress(context, _options),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
