using Auth.Functions.Users;

namespace Auth.Functions.Tests.Unit;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("  Ann@Example.COM ", "Ann@Example.COM", "ann@example.com")]
    [InlineData("o'brien@example.com", "o'brien@example.com", "o'brien@example.com")]
    [InlineData("a/b#c?d@example.com", "a/b#c?d@example.com", "a/b#c?d@example.com")]
    public void ValidEmailsAreTrimmedForDisplayAndLowerCasedForComparison(string input, string display, string normalized)
    {
        Assert.True(EmailAddress.TryParse(input, out var email));
        Assert.Equal(display, email!.Display);
        Assert.Equal(normalized, email.Normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("@example.com")]
    [InlineData("a@")]
    [InlineData("a@b")]
    [InlineData("a b@example.com")]
    [InlineData("a\u0000b@example.com")]
    [InlineData("a\nb@example.com")]
    [InlineData("a@b@example.com")]
    [InlineData("a@exa mple.com")]
    [InlineData("a@example..com")]
    [InlineData("\uFB01nance@corp.example")]     // the ligature "ﬁ": NFKC makes it "finance"
    [InlineData("finance@corp.exampl\uFB01")]    // in the domain too
    [InlineData("Jos\u00e9@corp.example")]       // non-ASCII parts are typed in lower case
    public void InvalidEmailsAreRefused(string? input) => Assert.False(EmailAddress.TryParse(input, out _));

    [Fact]
    public void TheStorageKeyIsAHashSoNoTypedCharacterReachesATableKey()
    {
        Assert.True(EmailAddress.TryParse("x'/#?\\\"@example.com".Replace("\\\"", "", StringComparison.Ordinal), out var email));

        Assert.Matches("^[0-9a-f]{64}$", email!.Key);
    }

    [Fact]
    public void CaseAndWhitespaceVariantsShareOneKey()
    {
        Assert.True(EmailAddress.TryParse("Ann@Example.com", out var a));
        Assert.True(EmailAddress.TryParse(" ann@EXAMPLE.com\t", out var b));

        Assert.Equal(a!.Key, b!.Key);
    }
}
