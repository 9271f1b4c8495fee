using Auth.Functions.Passwords;

namespace Auth.Functions.Tests.Unit;

public sealed class PasswordPolicyTests
{
    [Fact]
    public void SevenCodePointsAreTooShortEvenWhenOneIsAnEmojiOfTwoUtf16Units()
    {
        Assert.Equal(8, "qwzx12😀".Length); // UTF-16 units
        Assert.Equal("Must be at least 8 characters.", PasswordPolicy.Check("qwzx12😀", "a@example.com"));
        Assert.Null(PasswordPolicy.Check("qwzx1y2😀", "a@example.com"));
    }

    [Fact]
    public void TwoHundredFiftySixCodePointsAreAcceptedAndOneMoreIsNot()
    {
        var ok = string.Concat(Enumerable.Repeat("😀", 256));
        Assert.Null(PasswordPolicy.Check(ok, null));
        Assert.NotNull(PasswordPolicy.Check(ok + "x", null));
    }

    [Theory]
    [InlineData("password")]
    [InlineData("PASSWORD")]
    [InlineData("12345678")]
    [InlineData("qwertyuiop")]
    [InlineData("iloveyou")]
    public void CommonPasswordsAreRefusedWithAReason(string password)
    {
        var reason = PasswordPolicy.Check(password, "someone@example.com");

        Assert.NotNull(reason);
        Assert.Contains("common", reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheShippedListHoldsAboutThreeThousandPasswords() =>
        Assert.InRange(PasswordPolicy.CommonPasswordCount, 2900, 3000);

    [Theory]
    [InlineData("Jane.Doe@Example.com")]
    [InlineData("jane.doe")]
    [InlineData("JANE.DOE")]
    public void TheUsersOwnEmailOrItsLocalPartIsRefused(string password) =>
        Assert.NotNull(PasswordPolicy.Check(password, "jane.doe@example.com"));

    [Fact]
    public void PasswordsAreNeverTrimmedSoSpacesCount()
    {
        // Six visible characters plus two spaces: acceptable only because the spaces are kept.
        Assert.Null(PasswordPolicy.Check(" zq81x7 ", null));
        Assert.NotNull(PasswordPolicy.Check(" zq81x7 ".Trim(), null));
    }

    [Fact]
    public void AMegabyteIsRefusedWithoutNormalisingIt()
    {
        // Fullwidth letters: NFKC maps each to ASCII, so normalising this would build a new 2 MB string.
        var huge = new string('\uFF58', 1_000_000);
        Assert.NotSame(huge, PasswordService.Normalize(huge[..10]));
        PasswordPolicy.Check("warm up the list", null);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var reason = PasswordPolicy.Check(huge, null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal($"Must be at most {PasswordPolicy.MaxLength} characters.", reason);
        // Only the reason's few bytes: no normalised copy of the megabyte was made.
        Assert.True(allocated < 4096, $"{allocated} bytes allocated");
    }

    [Fact]
    public void NormalisationIsNfkcSoComposedAndDecomposedFormsAreEqual() =>
        Assert.Equal(PasswordService.Normalize("caf\u00e9 au lait"), PasswordService.Normalize("cafe\u0301 au lait"));
}
