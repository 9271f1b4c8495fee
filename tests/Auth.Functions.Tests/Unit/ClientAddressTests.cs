using Auth.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Functions.Tests.Unit;

public sealed class ClientAddressTests
{
    private static string AddressOf(string? forwardedFor, int? trustedProxies, string remote = "10.0.0.1")
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(remote);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return RateLimits.ClientAddress(context, new RateLimitOptions { TrustedProxies = trustedProxies });
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7/32")]
    [InlineData("203.0.113.7:51234", "203.0.113.7/32")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7/32")]
    [InlineData("", RateLimits.UnparsableBucket)]
    [InlineData("evil.example", RateLimits.UnparsableBucket)]
    [InlineData("[::1", RateLimits.UnparsableBucket)]
    public void EntriesBecomeBuckets(string entry, string bucket) => Assert.Equal(bucket, RateLimits.Bucket(entry));

    [Fact]
    public void BehindOneProxyTheRightmostEntryIsTheClient() =>
        Assert.Equal("203.0.113.7/32", AddressOf("1.2.3.4, 203.0.113.7", trustedProxies: 1));

    [Fact]
    public void BehindTwoProxiesTheSecondFromTheRightIsTheClient() =>
        Assert.Equal("203.0.113.7/32", AddressOf("1.2.3.4, 203.0.113.7, 10.1.1.1", trustedProxies: 2));

    [Fact]
    public void EntriesWithoutSpacesAfterTheirCommasAreSplitToo() =>
        Assert.Equal("203.0.113.7/32", AddressOf("1.2.3.4,203.0.113.7", trustedProxies: 1));

    [Fact]
    public void WithNoTrustedProxyTheHeaderIsIgnored() =>
        Assert.Equal("10.0.0.1/32", AddressOf("1.2.3.4", trustedProxies: 0));

    [Fact]
    public void StandaloneByDefaultTheHeaderIsIgnored() =>
        Assert.Equal("10.0.0.1/32", AddressOf("1.2.3.4", trustedProxies: null));

    [Fact]
    public void FewerEntriesThanTrustedProxiesFallBackToTheConnection() =>
        Assert.Equal("10.0.0.1/32", AddressOf(null, trustedProxies: 1));

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.0/24")]
    [InlineData("203.0.113.7:51234", "203.0.113.0/24")]
    [InlineData("::ffff:203.0.113.200", "203.0.113.0/24")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData(null, ClientNetwork.Unknown)]
    [InlineData("junk", ClientNetwork.Unknown)]
    public void AddressesBelongToTheirNetworks(string? ip, string network) => Assert.Equal(network, ClientNetwork.Of(ip));
}
