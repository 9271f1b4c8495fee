using System.Net;
using System.Net.Sockets;

namespace Auth.Functions.Http;

/// <summary>
/// The network a client address belongs to, as the login throttle counts it: IPv4 by /24 and IPv6 by
/// /64, the blocks one subscriber or one host usually holds, so an attacker cannot escape a count by
/// moving to the next address. Addresses that cannot be parsed share one network.
/// </summary>
public static class ClientNetwork
{
    public const string Unknown = "unknown";

    /// <summary>"203.0.113.7" to "203.0.113.0/24", "2001:db8::1" to "2001:db8::/64", anything else to <see cref="Unknown"/>.</summary>
    public static string Of(string? ip)
    {
        if (RateLimits.ParseAddress(ip) is not { } address)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return new IPAddress(bytes) + "/24";
        }

        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
