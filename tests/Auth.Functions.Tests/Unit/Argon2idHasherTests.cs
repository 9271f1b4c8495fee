using Auth.Functions.Passwords;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Tests.Unit;

public sealed class Argon2idHasherTests
{
    private static Argon2idHasher Hasher(PasswordHashingOptions? options = null) => new(Options.Create(options ?? new PasswordHashingOptions()));

    [Fact]
    public void HashesAreArgon2idPhcStringsWithTheOwaspBaselineByDefault()
    {
        var hash = Hasher().Hash("correct horse battery staple");

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash, StringComparison.Ordinal);
        Assert.True(PhcParameters.TryParse(hash, out var p));
        Assert.Equal(new PhcParameters("argon2id", 19, 19456, 2, 1), p);
        var salt = Convert.FromBase64String(hash.Split('$')[4].PadRight(24, '='));
        Assert.Equal(16, salt.Length);
    }

    [Fact]
    public void TheRightPasswordVerifiesAndAWrongOneDoesNot()
    {
        var hasher = Hasher();
        var hash = hasher.Hash("correct horse battery staple");

        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(hash, "correct horse battery staple"));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(hash, "correct horse battery stapl"));
    }

    [Fact]
    public void SaltsDifferSoEqualPasswordsGiveDifferentHashes()
    {
        var hasher = Hasher();

        Assert.NotEqual(hasher.Hash("same password here"), hasher.Hash("same password here"));
    }

    [Fact]
    public void AHashWithWeakerParametersVerifiesAndAsksForARehash()
    {
        var weak = Hasher(new PasswordHashingOptions { MemoryKiB = 1024, Iterations = 1 }).Hash("an old password!");

        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher().Verify(weak, "an old password!"));
    }

    // libsodium (through Sodium.Core) is the independent implementation: a different code base from
    // the app's Isopoh, meeting it only at the standard (RFC 9106 Argon2id, PHC string format).
    private const long Passes = 3; // Sodium.Core's wrapper refuses fewer; t=3 is above the baseline, so it verifies as is.
    private const int MemoryBytes = 19456 * 1024;

    [Fact]
    public void HashesFromAnotherImplementationOfTheStandardVerify()
    {
        var foreign = Sodium.PasswordHash.ArgonHashString("interop pässword 🔑", Passes, MemoryBytes).TrimEnd('\0');

        Assert.StartsWith("$argon2id$v=19$m=19456,t=3,p=1$", foreign, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Succeeded, Hasher().Verify(foreign, "interop pässword 🔑"));
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(foreign, "interop pässword 🔒"));
    }

    [Fact]
    public void OurHashesVerifyWithAnotherImplementationOfTheStandard()
    {
        var ours = Hasher().Hash("interop pässword 🔑");

        Assert.True(Sodium.PasswordHash.ArgonHashStringVerify(ours, "interop pässword 🔑"));
        Assert.False(Sodium.PasswordHash.ArgonHashStringVerify(ours, "interop pässword 🔒"));
    }

    [Fact]
    public void AKnownAnswerFromAThirdImplementationVerifies()
    {
        // Computed by hash-wasm (a WebAssembly build of the reference C code) for salt = sixteen 0x01 bytes.
        const string reference = "$argon2id$v=19$m=19456,t=2,p=1$AQEBAQEBAQEBAQEBAQEBAQ$09KT74jWfGVFhp0iS3hOeCek8P6hERV6oNYB8UV+W7Q";

        Assert.Equal(PasswordVerification.Succeeded, Hasher().Verify(reference, "interop password"));
        Assert.True(Sodium.PasswordHash.ArgonHashStringVerify(reference, "interop password"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$$")]
    [InlineData("$argon2id$v=19$m=abc,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$bcrypt$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$!!!!$????")]
    public void ACorruptStoredHashFailsCleanly(string corrupt) =>
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(corrupt, "whatever password"));

    [Fact]
    public void AHugeMemoryParameterInAStoredHashIsRefusedBeforeAnyAllocation()
    {
        // 4 TiB: verifying it would exhaust memory; the cap refuses it without trying.
        var tampered = "$argon2id$v=19$m=4294967,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        var hasher = Hasher();
        // This thread's allocations only: other tests hash (~100 MB each) in parallel.
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(PasswordVerification.Failed, hasher.Verify(tampered, "whatever password"));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
    }
}
