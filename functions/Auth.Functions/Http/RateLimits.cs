using System.Net;
using System.Threading.RateLimiting;
using Auth.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Http;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Registrations per client address per minute (register may reveal that an email is taken).</summary>
    public int RegisterPerMinute { get; set; } = 10;

    /// <summary>Forgot-password requests per client address per minute.</summary>
    public int ForgotPasswordPerMinute { get; set; } = 10;

    /// <summary>
    /// Proxies in front of the app that each append the address they saw to <c>X-Forwarded-For</c>.
    /// Unset: 1 under the Functions host (its front end appends the client's address), 0 standalone
    /// (the header is then the client's own word and is ignored).
    /// </summary>
    public int? TrustedProxies { get; set; }
}

/// <summary>
/// Per-address limits of this instance, for the anonymous endpoints that create work. Login is
/// throttled per email in storage instead (<see cref="Accounts.LoginThrottle"/>), across instances.
/// </summary>
public static class RateLimits
{
    public const string Register = "register";
    public const string ForgotPassword = "forgot-password";

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.TrustedProxies is null or >= 0, $"{RateLimitOptions.Section}:TrustedProxies must be 0 or more.").ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Register, context => PerAddress(context, o => o.RegisterPerMinute));
            limiter.AddPolicy(ForgotPassword, context => PerAddress(context, o => o.ForgotPasswordPerMinute));
            limiter.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                return new ValueTask(Problems.TooManyRequests(retryAfter).ExecuteAsync(rejected.HttpContext));
            };
        });
        return services;
    }

    /// <summary>Where addresses that cannot be parsed share one bucket: junk never makes new partitions.</summary>
    public const string UnparsableBucket = "unparsable";

    private static RateLimitPartition<string> PerAddress(HttpContext context, Func<RateLimitOptions, int> permits)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter(
            ClientAddress(context, options),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits(options), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
    }

    /// <summary>
    /// The client's address as a limiter bucket. Behind N trusted proxies it is the N-th
    /// <c>X-Forwarded-For</c> entry from the right: the one the outermost trusted proxy appended.
    /// Entries further left are the client's own word. IPv6 clients are bucketed by /64, since one
    /// host usually holds a whole /64.
    /// </summary>
    public static string ClientAddress(HttpContext context, RateLimitOptions options)
    {
        var proxies = options.TrustedProxies ?? (context.RequestServices.GetService<HostingMode>()?.UnderFunctionsHost == true ? 1 : 0);
        if (proxies > 0)
        {
            var entries = context.Request.Headers["X-Forwarded-For"]
                .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .ToList();
            if (entries.Count >= proxies)
            {
                return Bucket(entries[^proxies]);
            }
        }

        return context.Connection.RemoteIpAddress is { } remote ? Bucket(remote) : UnparsableBucket;
    }

    /// <summary>"203.0.113.7", "203.0.113.7:51234", "2001:db8::1", "[2001:db8::1]:443" to a bucket name.</summary>
    public static string Bucket(string entry)
    {
        var host = entry;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? host[1..close] : host;
        }
        else if (host.Count(c => c == ':') == 1)
        {
            host = host[..host.IndexOf(':', StringComparison.Ordinal)];
        }

        return IPAddress.TryParse(host, out var address) ? Bucket(address) : UnparsableBucket;
    }

    private static string Bucket(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
