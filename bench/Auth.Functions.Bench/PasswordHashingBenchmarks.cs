using Auth.Functions.Passwords;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Bench;

/// <summary>
/// The cost of one login's password work with the shipped hasher (Isopoh Argon2id) at the OWASP
/// baseline, against the cheapest parameters as a ratio anchor. Memory is what bounds concurrency.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 10)]
public class PasswordHashingBenchmarks
{
    private Argon2idHasher _baseline = null!;
    private Argon2idHasher _minimal = null!;
    private string _baselineHash = "";

    [GlobalSetup]
    public void Setup()
    {
        _baseline = new Argon2idHasher(Options.Create(new PasswordHashingOptions()));
        _minimal = new Argon2idHasher(Options.Create(new PasswordHashingOptions { MemoryKiB = 1024, Iterations = 1 }));
        _baselineHash = _baseline.Hash("correct horse battery staple");
    }

    [Benchmark(Baseline = true, Description = "hash m=1 MiB t=1 (anchor)")]
    public string HashMinimal() => _minimal.Hash("correct horse battery staple");

    [Benchmark(Description = "hash m=19 MiB t=2 (OWASP, shipped default)")]
    public string HashBaseline() => _baseline.Hash("correct horse battery staple");

    [Benchmark(Description = "verify m=19 MiB t=2 (every login)")]
    public PasswordVerification VerifyBaseline() => _baseline.Verify(_baselineHash, "correct horse battery staple");
}
