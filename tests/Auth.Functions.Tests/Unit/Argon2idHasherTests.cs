using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Passwords;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Tests.Unit;

public sealed class Argon2idHasherTests
{
    private static readonly Argon2idHasher Default = new(Options.Create(new PasswordHashingOptions()));

    private static Argon2idHasher Hasher() => Default;

    private static Argon2idHasher Hasher(PasswordHashingOptions options) => new(Options.Create(options));

    [Fact]
    public void HashesAreArgon2idPhcStringsWithOneOfOwaspsSettingsByDefault()
    {
        var hash = Hasher().Hash("correct horse battery staple");

        // m = 7 MiB, t = 5: OWASP's equivalent of m = 19 MiB, t = 2, chosen by measurement.
        Assert.StartsWith("$argon2id$v=19$m=7168,t=5,p=1$", hash, StringComparison.Ordinal);
        Assert.True(PhcParameters.TryParse(hash, out var p));
        Assert.Equal(new PhcParameters("argon2id", 19, 7168, 5, 1), p);
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
        var old = Hasher(new PasswordHashingOptions { MemoryKiB = 1024, Iterations = 1 });
        var weak = old.Hash("an old password!");

        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher().Verify(weak, "an old password!"));
    }

    // The app hashes with libsodium and verifies what libsodium refuses with Isopoh. Both are checked
    // here against each other and against a third implementation, at the standard (PHC strings).

    [Fact]
    public void OurHashesVerifyWithIsopohAndItsWithOurs()
    {
        const string Password = "interop pässword 🔑";
        var password = Encoding.UTF8.GetBytes(Password);
        var wrong = Encoding.UTF8.GetBytes("interop pässword 🔒");
        var hasher = Hasher();

        var ours = hasher.Hash(Password);
        var byIsopoh = IsopohArgon2.Hash(password, 2, 19456, 1);

        Assert.True(IsopohArgon2.Verify(ours, password, 1));
        Assert.False(IsopohArgon2.Verify(ours, wrong, 1));
        // OWASP's baseline setting, the default before this one: it verifies, and asks to move to today's.
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", byIsopoh, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.SucceededRehashNeeded, hasher.Verify(byIsopoh, Password));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(byIsopoh, "interop pässword 🔒"));
    }

    [Fact]
    public void HashesWithSeveralLanesFromIsopohVerifyAndAskForARehash()
    {
        // libsodium computes one lane; a hash imported from elsewhere with four is Isopoh's to verify.
        var byIsopoh = IsopohArgon2.Hash(Encoding.UTF8.GetBytes("four lanes"), 2, 19456, 4);

        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher().Verify(byIsopoh, "four lanes"));
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(byIsopoh, "four laneS"));
        Assert.StartsWith("$argon2id$v=19$m=7168,t=5,p=1$", Hasher().Hash("four lanes"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Isopoh.Cryptography.Argon2.Argon2Type.DataIndependentAddressing, Isopoh.Cryptography.Argon2.Argon2Version.Nineteen, "$argon2i$v=19$")]
    [InlineData(Isopoh.Cryptography.Argon2.Argon2Type.DataDependentAddressing, Isopoh.Cryptography.Argon2.Argon2Version.Nineteen, "$argon2d$v=19$")]
    [InlineData(Isopoh.Cryptography.Argon2.Argon2Type.HybridAddressing, Isopoh.Cryptography.Argon2.Argon2Version.Sixteen, "$argon2id$v=16$")]
    public void OtherVariantsAndVersionsVerifyAndAskForARehash(
        Isopoh.Cryptography.Argon2.Argon2Type type, Isopoh.Cryptography.Argon2.Argon2Version version, string prefix)
    {
        var stored = IsopohArgon2.Hash(Encoding.UTF8.GetBytes("an older kind of hash"), 3, 4096, 1, type, version);

        Assert.StartsWith(prefix, stored, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher().Verify(stored, "an older kind of hash"));
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(stored, "an older kind of hasH"));
    }

    [Fact]
    public void IsopohsHashesWithRandomParametersVerifyHere()
    {
        // Small memory so that many combinations run quickly; a fixed seed so a failure can be replayed.
        var random = new Random(20261125);
        var types = new[]
        {
            (Isopoh.Cryptography.Argon2.Argon2Type.HybridAddressing, "argon2id"),
            (Isopoh.Cryptography.Argon2.Argon2Type.DataIndependentAddressing, "argon2i"),
            (Isopoh.Cryptography.Argon2.Argon2Type.DataDependentAddressing, "argon2d"),
        };
        for (var i = 0; i < 40; i++)
        {
            var (type, name) = types[random.Next(types.Length)];
            var version = random.Next(2) == 0 ? Isopoh.Cryptography.Argon2.Argon2Version.Nineteen : Isopoh.Cryptography.Argon2.Argon2Version.Sixteen;
            var lanes = random.Next(1, 5);
            var memoryKiB = random.Next(8 * lanes, 300);
            var iterations = random.Next(1, 5);
            var password = RandomNumberGenerator.GetHexString(random.Next(1, 40));
            var stored = IsopohArgon2.Hash(
                Encoding.UTF8.GetBytes(password), iterations, memoryKiB, lanes, type, version, hashBytes: random.Next(16, 81), saltBytes: random.Next(8, 33));
            var context = $"case {i}: {stored}";

            Assert.True(stored.StartsWith($"${name}$", StringComparison.Ordinal), context);
            Assert.True(Hasher().Verify(stored, password) != PasswordVerification.Failed, context);
            Assert.True(Hasher().Verify(stored, password + "x") == PasswordVerification.Failed, context);
        }
    }

    [Theory]
    [InlineData(64, 16)]  // one BLAKE2b call at its longest
    [InlineData(100, 16)] // longer than BLAKE2b's output: H' chains calls
    [InlineData(32, 8)]   // the shortest salt RFC 9106 allows
    public void StoredHashesWithOtherOutputAndSaltLengthsVerify(int hashBytes, int saltBytes)
    {
        var stored = IsopohArgon2.Hash(Encoding.UTF8.GetBytes("other lengths"), 5, 7168, 1, hashBytes: hashBytes, saltBytes: saltBytes);

        Assert.Equal(PasswordVerification.Succeeded, Hasher().Verify(stored, "other lengths"));
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(stored, "other lengthS"));
    }

    [Fact]
    public void AStoredHashWithATooShortOutputOrSaltFailsCleanly()
    {
        // A 4-byte output is valid Argon2 but guessable by chance; a 3-byte salt is below RFC 9106's minimum.
        var shortHash = IsopohArgon2.Hash(Encoding.UTF8.GetBytes("short"), 2, 1024, 1, hashBytes: 4);

        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(shortHash, "short"));
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify("$argon2id$v=19$m=1024,t=2,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "short"));
    }

    // Sodium.Core is a third party's wrapper of libsodium, used here only as an outside check of the strings.
    private const long Passes = 3; // Sodium.Core's wrapper refuses fewer; t=3 is above the baseline, so it verifies as is.
    private const int MemoryBytes = 19456 * 1024;

    [Fact]
    public void HashesFromAnotherImplementationOfTheStandardVerify()
    {
        var foreign = Sodium.PasswordHash.ArgonHashString("interop pässword 🔑", Passes, MemoryBytes).TrimEnd('\0');

        Assert.StartsWith("$argon2id$v=19$m=19456,t=3,p=1$", foreign, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher().Verify(foreign, "interop pässword 🔑"));
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

        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher().Verify(reference, "interop password"));
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
        // 4 GiB: verifying it would exhaust memory; the cap refuses it without trying.
        var tampered = "$argon2id$v=19$m=4294967,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        var hasher = Hasher();
        // This thread's allocations only: other tests hash in parallel.
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(PasswordVerification.Failed, hasher.Verify(tampered, "whatever password"));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
    }
}

public sealed class Argon2idHasherCapTests
{
    private const string Salt = "c2FsdHNhbHRzYWx0c2FsdA";
    private const string Tag = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

    [Theory]
    [InlineData("argon2id", 19, 19456, 2, 1, true)]   // the previous default keeps verifying
    [InlineData("argon2id", 19, 7168, 10, 1, true)]   // twice today's passes, twice today's work
    [InlineData("argon2id", 19, 35840, 2, 1, true)]   // twice today's work in memory
    [InlineData("argon2id", 19, 19456, 4, 1, false)]  // more than twice today's work
    [InlineData("argon2id", 19, 38913, 1, 1, false)]  // over the memory cap
    [InlineData("argon2id", 19, 1024, 11, 1, false)]  // over the pass cap
    [InlineData("argon2id", 19, 7168, 5, 9, false)]   // over the lane cap
    [InlineData("argon2id", 18, 7168, 5, 1, false)]   // no such version
    public void StoredHashesAreUsableOnlyWithinTheCaps(string algorithm, int version, int memoryKiB, int iterations, int lanes, bool usable)
    {
        var hasher = new Argon2idHasher(Options.Create(new PasswordHashingOptions()));
        var stored = $"${algorithm}$v={version}$m={memoryKiB},t={iterations},p={lanes}${Salt}${Tag}";

        Assert.Equal(usable, hasher.IsUsable(stored));
        if (!usable)
        {
            Assert.Equal(PasswordVerification.Failed, hasher.Verify(stored, "whatever password"));
        }
    }
}
