using System.Text;
using Auth.Functions.Passwords;
using Auth.Functions.Tests.Infrastructure;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Bench;

/// <summary>
/// One login's password work (a verification) by the app's hasher, libsodium's Argon2id, at each of
/// OWASP's equivalent argon2id settings, to choose the default by measurement; and Isopoh at the
/// baseline, the managed library that verifies what libsodium cannot. MemoryDiagnoser sees managed
/// allocations only; libsodium's are native, so bench/load.sh measures memory per hash as peak RSS.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 10)]
public class PasswordHashingBenchmarks
{
    private const string PasswordText = "correct horse battery staple";
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(PasswordText);

    /// <summary>OWASP's equivalent argon2id settings (memory in KiB, passes), one lane.</summary>
    [Params("19456/2", "12288/3", "9216/4", "7168/5")]
    public string Setting { get; set; } = "19456/2";

    private Argon2idHasher _hasher = null!;
    private string _stored = "";
    private string _isopohStored = "";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Setting.Split('/');
        _hasher = new Argon2idHasher(Options.Create(new PasswordHashingOptions { MemoryKiB = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), Iterations = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) }));
        _stored = _hasher.Hash(PasswordText);
        _isopohStored = IsopohArgon2.Hash(Password, 2, 19456, 2);
    }

    [Benchmark(Baseline = true, Description = "libsodium: verify (every login)")]
    public PasswordVerification Verify() => _hasher.Verify(_stored, PasswordText);

    [Benchmark(Description = "libsodium: hash (register, change, reset)")]
    public string Hash() => _hasher.Hash(PasswordText);

    [Benchmark(Description = "Isopoh, m=19456 t=2 p=2: verify (imported hashes only)")]
    public PasswordVerification IsopohVerify() => _hasher.Verify(_isopohStored, PasswordText);
}
