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
    public static string Of(string? ip) => RateLimits.ParseAddress(ip) is { } address ? Block(address, ipv4PrefixLength: 24) : Unknown;

    /// <summary>
    /// The block an address belongs to, as "address/length": IPv4 by <paramref name="ipv4PrefixLength"/>
    /// bits, IPv6 always by /64 (one host usually holds a whole /64). IPv4-mapped IPv6 counts as IPv4.
    /// </summary>
    public static string Block(IPAddress address, int ipv4PrefixLength)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? ipv4PrefixLength : 64;
        for (var i = 0; i < bytes.Length; i++)
        {
            var kept = Math.Clamp(bits - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - kept));
        }

        return $"{new IPAddress(bytes)}/{bits}";
    }
}
