using System.Security.Cryptography;
using System.Text;
using Auth.Functions.Passwords;
using Auth.Functions.Tests.Infrastructure;
using BenchmarkDotNet.Attributes;
using Isopoh.Cryptography.Argon2;
using Isopoh.Cryptography.SecureArray;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Bench;

/// <summary>
/// One login's password work at the OWASP baseline (m = 19 MiB, t = 2, p = 1) by each candidate:
/// Isopoh as it first shipped, Isopoh without locked and pinned memory (the configuration that avoids
/// its extra copies, if any does), libsodium (shipped next), and the app's own Argon2 with its work
/// memory kept between hashes (what ships now). MemoryDiagnoser sees managed allocations only;
/// libsodium's and the app's are native, so bench/load.sh measures memory per hash as peak RSS instead.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 10)]
public class PasswordHashingBenchmarks
{
    private const int MemoryKiB = 19456;
    private const int Iterations = 2;
    private const string PasswordText = "correct horse battery staple";
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(PasswordText);
    private readonly Argon2idHasher _app = new(Options.Create(new PasswordHashingOptions { MemoryKiB = MemoryKiB, Iterations = Iterations }));
    private string _stored = "";

    [GlobalSetup]
    public void Setup() => _stored = LibsodiumArgon2.Hash(Password, Iterations, MemoryKiB);

    [GlobalCleanup]
    public void Cleanup() => _app.Dispose();

    [Benchmark(Description = "Isopoh 2.0.0, default (locked, pinned arrays): hash")]
    public string IsopohHash() => IsopohArgon2.Hash(Password, Iterations, MemoryKiB, 1);

    [Benchmark(Description = "Isopoh 2.0.0, zeroed arrays, not locked: hash")]
    public string IsopohPlainHash() => Argon2.Hash(new Argon2Config
    {
        Type = Argon2Type.HybridAddressing,
        Version = Argon2Version.Nineteen,
        MemoryCost = MemoryKiB,
        TimeCost = Iterations,
        Lanes = 1,
        Threads = 1,
        Password = Password,
        Salt = RandomNumberGenerator.GetBytes(16),
        HashLength = 32,
        SecureArrayCall = PlainArrays,
    });

    /// <summary>Zeroes on disposal, but neither locks the memory into RAM nor pins it.</summary>
    private static readonly SecureArrayCall PlainArrays = new(
        (address, length) => { unsafe { new Span<byte>(address.ToPointer(), checked((int)length)).Clear(); } },
        (_, _) => null,
        (_, _) => { },
        "plain");

    [Benchmark(Baseline = true, Description = "libsodium 1.0.22: hash")]
    public string LibsodiumHash() => LibsodiumArgon2.Hash(Password, Iterations, MemoryKiB);

    [Benchmark(Description = "app's Argon2, memory kept: hash")]
    public string AppHash() => _app.Hash(PasswordText);

    [Benchmark(Description = "Isopoh 2.0.0, default: verify")]
    public bool IsopohVerify() => IsopohArgon2.Verify(_stored, Password, 1);

    [Benchmark(Description = "libsodium 1.0.22: verify (every login)")]
    public bool LibsodiumVerify() => LibsodiumArgon2.Verify(_stored, Password);

    [Benchmark(Description = "app's Argon2, memory kept: verify (every login)")]
    public PasswordVerification AppVerify() => _app.Verify(_stored, PasswordText);
}
