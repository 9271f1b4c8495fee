using Auth.Functions.Tokens;

namespace Auth.Functions.Tests.Unit;

public sealed class KeysTests
{
    private static readonly string UserId = Keys.NewId();

    [Theory]
    [InlineData(KeyKind.Session, "afs_sess_")]
    [InlineData(KeyKind.Api, "afs_api_")]
    [InlineData(KeyKind.Reset, "afs_reset_")]
    [InlineData(KeyKind.Verification, "afs_verify_")]
    public void KeysCarryARecognisablePrefixPerKindAndParseBack(KeyKind kind, string prefix)
    {
        var tokenId = Keys.NewId();
        var key = Keys.Create(kind, UserId, tokenId);

        Assert.StartsWith(prefix, key, StringComparison.Ordinal);
        Assert.True(Keys.TryParse(key, out var parsed));
        Assert.Equal(new ParsedKey(kind, UserId, tokenId), parsed);
        Assert.Matches("^[A-Za-z0-9_-]+$", key); // URL-safe
    }

    [Fact]
    public void TenThousandKeysAreAllDistinct()
    {
        var keys = Enumerable.Range(0, 10_000).Select(_ => Keys.Create(KeyKind.Api, UserId, Keys.NewId())).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void TwoKeysForTheSameIdsDifferInTheirSecret()
    {
        var tokenId = Keys.NewId();

        Assert.NotEqual(Keys.Create(KeyKind.Api, UserId, tokenId), Keys.Create(KeyKind.Api, UserId, tokenId));
    }

    [Fact]
    public void ATamperedCharacterFailsTheChecksumWithoutAStorageRead()
    {
        var key = Keys.Create(KeyKind.Session, UserId, Keys.NewId());
        var position = key.Length - 20;
        var tampered = key[..position] + (key[position] == 'A' ? 'B' : 'A') + key[(position + 1)..];

        Assert.False(Keys.TryParse(tampered, out _));
    }

    [Fact]
    public void SwappingThePrefixOfAKeyDoesNotMakeItAnotherKind()
    {
        var session = Keys.Create(KeyKind.Session, UserId, Keys.NewId());
        var asReset = "afs_reset_" + session["afs_sess_".Length..];

        Assert.False(Keys.TryParse(asReset, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("afs_sess_")]
    [InlineData("ghp_abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("afs_sess_' or ''='")]
    [InlineData("afs_api_%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%")]
    public void JunkIsNotAKey(string junk) => Assert.False(Keys.TryParse(junk, out _));

    [Fact]
    public void OnlyTheHashOfTheKeyIsComparedAndItMatchesExactly()
    {
        var key = Keys.Create(KeyKind.Api, UserId, Keys.NewId());
        var hash = Keys.Hash(key);

        Assert.Equal(32, hash.Length);
        Assert.True(Keys.Matches(key, hash));
        Assert.False(Keys.Matches(key + "x", hash));
        Assert.False(Keys.Matches(key, []));
    }

    [Fact]
    public void EveryKeyCarries256FreshRandomBitsEvenForTheSameIds()
    {
        // Layout (Keys): prefix, then base64url of userId[16] | tokenId[16] | secret[32] | check[4].
        var tokenId = Keys.NewId();
        var secrets = Enumerable.Range(0, 10_000)
            .Select(_ => System.Buffers.Text.Base64Url.DecodeFromChars(Keys.Create(KeyKind.Api, UserId, tokenId).AsSpan("afs_api_".Length)))
            .Select(payload => payload[32..64])
            .ToList();

        Assert.All(secrets, s => Assert.Equal(32, s.Length));
        Assert.Equal(secrets.Count, secrets.Select(Convert.ToHexString).Distinct().Count());
        // A CSPRNG sets half the bits: 2,560,000 bits, expectation 1,280,000, sigma 800; allow 1 %.
        var ones = secrets.Sum(s => s.Sum(b => System.Numerics.BitOperations.PopCount(b)));
        Assert.InRange(ones, 1_267_200, 1_292_800);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", false)]
    [InlineData("not-an-id", false)]
    [InlineData("../../etc/passwd", false)]
    public void TokenIdsAreStrictlyLowerCaseHex(string id, bool valid) => Assert.Equal(valid, Keys.IsValidId(id));
}
