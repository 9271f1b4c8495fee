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
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
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

    private static RateLimitPartition<string> PerAddress(HttpContext context, Func<RateLimitOptions, int> permits)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter(
            ClientAddress(context),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits(options), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
    }

    /// <summary>
    /// Under the Functions host every request arrives from the host on loopback, so the client is the
    /// first X-Forwarded-For entry (set by Azure's front end; only the host can reach the handler's
    /// port). Standalone, that header is the client's own word and is ignored.
    /// </summary>
    public static string ClientAddress(HttpContext context)
    {
        if (context.RequestServices.GetService<HostingMode>()?.UnderFunctionsHost == true
            && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            // Azure front ends may append the port: "203.0.113.7:51234".
            var colon = first.LastIndexOf(':');
            return colon > 0 && first.Count(c => c == ':') == 1 ? first[..colon] : first;
        }

        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
