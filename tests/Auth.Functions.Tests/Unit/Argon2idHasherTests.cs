using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Passwords;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Tests.Unit;

public sealed class Argon2idHasherTests
{
    // One hasher of the defaults for the whole class: each keeps native work memory until disposed.
    private static readonly Argon2idHasher Default = new(Options.Create(new PasswordHashingOptions()));

    private static Argon2idHasher Hasher() => Default;

    private static Argon2idHasher Hasher(PasswordHashingOptions options) => new(Options.Create(options));

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
        using var old = Hasher(new PasswordHashingOptions { MemoryKiB = 1024, Iterations = 1 });
        var weak = old.Hash("an old password!");

        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher().Verify(weak, "an old password!"));
    }

    // The app computes every hash with its own Argon2 (Argon2Core). It meets the other implementations
    // only at the standard (RFC 9106, PHC strings): their hashes must verify here and ours there.

    [Theory]
    [InlineData(Argon2Variant.Argon2d, "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb", false)]
    [InlineData(Argon2Variant.Argon2i, "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8", false)]
    [InlineData(Argon2Variant.Argon2id, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", false)]
    [InlineData(Argon2Variant.Argon2d, "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb", true)]
    [InlineData(Argon2Variant.Argon2i, "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8", true)]
    [InlineData(Argon2Variant.Argon2id, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", true)]
    public unsafe void TheCoreGivesRfc9106sTestVectorsOnTheAvx2AndThePortablePath(Argon2Variant variant, string expected, bool portable)
    {
        // RFC 9106 §5: m = 32 KiB, t = 3, p = 4, 32-byte tag, with a secret and associated data.
        var memory = (ulong*)NativeMemory.AlignedAlloc((nuint)Argon2Core.BlockCount(32, 4) * Argon2Core.BlockBytes, 64);
        try
        {
            var tag = new byte[32];
            Argon2Core.Hash(variant, Argon2Core.Version13, 32, 3, 4, Filled(32, 1), Filled(16, 2), Filled(8, 3), Filled(12, 4), memory, tag, portable);

            Assert.Equal(expected, Convert.ToHexStringLower(tag));
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    [Fact]
    public unsafe void ThePortablePathAndTheAvx2PathAgreeAtTheShippedParameters()
    {
        var password = RandomNumberGenerator.GetBytes(20);
        var salt = RandomNumberGenerator.GetBytes(16);
        var blocks = Argon2Core.BlockCount(19456, 1);
        var memory = (ulong*)NativeMemory.AlignedAlloc((nuint)blocks * Argon2Core.BlockBytes, 64);
        try
        {
            var fast = new byte[32];
            var portable = new byte[32];
            Argon2Core.Hash(Argon2Variant.Argon2id, Argon2Core.Version13, 19456, 2, 1, password, salt, default, default, memory, fast);
            Argon2Core.Hash(Argon2Variant.Argon2id, Argon2Core.Version13, 19456, 2, 1, password, salt, default, default, memory, portable, portable: true);

            Assert.Equal(Convert.ToHexString(fast), Convert.ToHexString(portable));
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    [Fact]
    public void OurHashesVerifyWithLibsodiumAndIsopohAndTheirsWithOurs()
    {
        const string Password = "interop pässword 🔑";
        var password = Encoding.UTF8.GetBytes(Password);
        var wrong = Encoding.UTF8.GetBytes("interop pässword 🔒");
        var hasher = Hasher();

        var ours = hasher.Hash(Password);
        var bySodium = LibsodiumArgon2.Hash(password, 2, 19456);
        var byIsopoh = IsopohArgon2.Hash(password, 2, 19456, 1);

        Assert.True(LibsodiumArgon2.Verify(ours, password));
        Assert.False(LibsodiumArgon2.Verify(ours, wrong));
        Assert.True(IsopohArgon2.Verify(ours, password, 1));
        Assert.False(IsopohArgon2.Verify(ours, wrong, 1));
        foreach (var theirs in new[] { bySodium, byIsopoh })
        {
            Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", theirs, StringComparison.Ordinal);
            Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(theirs, Password));
            Assert.Equal(PasswordVerification.Failed, hasher.Verify(theirs, "interop pässword 🔒"));
        }
    }

    [Fact]
    public void WithSeveralLanesOurHashesVerifyWithIsopohAndIsopohsWithOurs()
    {
        using var hasher = Hasher(new PasswordHashingOptions { Parallelism = 2, MemoryKiB = 19456 });
        var hash = hasher.Hash("a multi-lane password");

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=2$", hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(hash, "a multi-lane password"));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(hash, "a multi-lane passworD"));
        Assert.True(IsopohArgon2.Verify(hash, Encoding.UTF8.GetBytes("a multi-lane password"), 2));
        // Four lanes from Isopoh, verified by the default (p = 1) hasher.
        var byIsopoh = IsopohArgon2.Hash(Encoding.UTF8.GetBytes("four lanes"), 2, 19456, 4);
        Assert.Equal(PasswordVerification.Succeeded, Hasher().Verify(byIsopoh, "four lanes"));
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(byIsopoh, "four laneS"));
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
        var stored = IsopohArgon2.Hash(Encoding.UTF8.GetBytes("other lengths"), 2, 19456, 1, hashBytes: hashBytes, saltBytes: saltBytes);

        Assert.Equal(PasswordVerification.Succeeded, Hasher().Verify(stored, "other lengths"));
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(stored, "other lengthS"));
    }

    [Fact]
    public unsafe void WorkMemoryIsKeptOnePerSlotWipedAndOnlyAtTheConfiguredSize()
    {
        using var memory = new Argon2Memory(pooledBlocks: 64, capacity: 2);
        var a = memory.Rent(64);
        var b = memory.Rent(64);
        var c = memory.Rent(64);
        var aAddress = (nint)a.Memory;
        new Span<byte>(a.Memory, 64 * Argon2Core.BlockBytes).Fill(0xAB);
        a.Dispose();
        b.Dispose();
        c.Dispose(); // a third at once: more than the capacity, so freed
        Assert.Equal(2, memory.Pooled);

        var odd = memory.Rent(128); // another size: allocated for this hash, freed after it
        odd.Dispose();
        Assert.Equal(2, memory.Pooled);

        // The blocks come back wiped: a kept block would otherwise let a guess be checked without the work.
        var leases = new[] { memory.Rent(64), memory.Rent(64) };
        var again = leases.Single(l => (nint)l.Memory == aAddress);
        Assert.True(new Span<byte>(again.Memory, 64 * Argon2Core.BlockBytes).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(0, memory.Pooled);
        foreach (var lease in leases)
        {
            lease.Dispose();
        }
    }

    [Fact]
    public void AStoredHashWithATooShortOutputOrSaltFailsCleanly()
    {
        // A 4-byte output is valid Argon2 but guessable by chance; BLAKE2b here starts at 16 bytes.
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

    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

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
        // This thread's allocations only: other tests hash in parallel.
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(PasswordVerification.Failed, hasher.Verify(tampered, "whatever password"));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
    }
}
