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

    // The app computes with libsodium (p = 1) and keeps Isopoh for p > 1: two code bases that meet only at
    // the standard (RFC 9106 Argon2id, PHC strings). Each must verify the other's hashes, both ways.

    [Fact]
    public void LibsodiumHashesVerifyWithIsopohAndIsopohHashesWithLibsodium()
    {
        var password = System.Text.Encoding.UTF8.GetBytes("interop pässword 🔑");
        var wrong = System.Text.Encoding.UTF8.GetBytes("interop pässword 🔒");

        var bySodium = Libsodium.HashArgon2id(password, 2, 19456);
        var byIsopoh = IsopohArgon2.Hash(password, 2, 19456, 1);

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", bySodium, StringComparison.Ordinal);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", byIsopoh, StringComparison.Ordinal);
        Assert.True(IsopohArgon2.Verify(bySodium, password, 1));
        Assert.False(IsopohArgon2.Verify(bySodium, wrong, 1));
        Assert.True(Libsodium.Verify(byIsopoh, password));
        Assert.False(Libsodium.Verify(byIsopoh, wrong));
    }

    [Fact]
    public void WithSeveralLanesIsopohHashesAndVerifies()
    {
        var hasher = Hasher(new PasswordHashingOptions { Parallelism = 2, MemoryKiB = 19456 });
        var hash = hasher.Hash("a multi-lane password");

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=2$", hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(hash, "a multi-lane password"));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(hash, "a multi-lane passworD"));
        // The default (p = 1) hasher verifies it too, through Isopoh.
        Assert.Equal(PasswordVerification.Succeeded, Hasher().Verify(hash, "a multi-lane password"));
    }

    [Fact]
    public void AStoredHashTooLongForLibsodiumIsVerifiedByIsopoh()
    {
        // A 64-byte hash output (another implementation's choice) makes a PHC string over libsodium's 128 bytes.
        var password = System.Text.Encoding.UTF8.GetBytes("a long-output hash");
        var config = new Isopoh.Cryptography.Argon2.Argon2Config
        {
            Type = Isopoh.Cryptography.Argon2.Argon2Type.HybridAddressing,
            Version = Isopoh.Cryptography.Argon2.Argon2Version.Nineteen,
            MemoryCost = 19456,
            TimeCost = 2,
            Lanes = 1,
            Threads = 1,
            Password = password,
            Salt = new byte[16],
            HashLength = 64,
        };
        var encoded = Isopoh.Cryptography.Argon2.Argon2.Hash(config);

        Assert.True(encoded.Length >= 128, encoded);
        Assert.Equal(PasswordVerification.Succeeded, Hasher().Verify(encoded, "a long-output hash"));
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(encoded, "a long-output hasH"));
    }

    // Sodium.Core is a third party's wrapper of libsodium, used here only as an outside check of the strings.
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
