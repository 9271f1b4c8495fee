using System.Text;
using Auth.Functions.Mfa;

namespace Auth.Functions.Tests.Unit;

/// <summary>The app's TOTP parameters against RFC 6238's own test vectors.</summary>
public sealed class TotpCodesTests
{
    // RFC 6238 appendix B, HMAC-SHA1: the seed is the ASCII "12345678901234567890", codes of 8 digits.
    // A 6-digit code is the same truncated value mod 10^6: the last six digits of the vector.
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void TheCodesAreThoseOfRfc6238AppendixB(long unixSeconds, string eightDigits)
    {
        var secret = Encoding.ASCII.GetBytes("12345678901234567890");
        var at = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

        Assert.Equal(eightDigits[2..], TotpCodes.Compute(secret, at));
        Assert.Equal(unixSeconds / 30, TotpCodes.Match(secret, eightDigits[2..], at));
    }

    [Fact]
    public void ACodeMatchesInItsStepAndOneEitherSideOnly()
    {
        var secret = Encoding.ASCII.GetBytes("12345678901234567890");
        var at = DateTimeOffset.FromUnixTimeSeconds(1111111111);
        var code = TotpCodes.Compute(secret, at);

        Assert.Equal(1111111111 / 30, TotpCodes.Match(secret, code, at.AddSeconds(30)));
        Assert.Equal(1111111111 / 30, TotpCodes.Match(secret, code, at.AddSeconds(-30)));
        Assert.Null(TotpCodes.Match(secret, code, at.AddSeconds(60)));
        Assert.Null(TotpCodes.Match(secret, code, at.AddSeconds(-60)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("１２３４５６")] // full-width digits are not ASCII digits
    public void AnythingButSixAsciiDigitsIsNoCode(string code) =>
        Assert.Null(TotpCodes.Match(Encoding.ASCII.GetBytes("12345678901234567890"), code, DateTimeOffset.UtcNow));
}
