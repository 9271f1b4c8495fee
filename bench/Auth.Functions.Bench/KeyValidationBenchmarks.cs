using Auth.Functions.Tokens;
using BenchmarkDotNet.Attributes;

namespace Auth.Functions.Bench;

/// <summary>The CPU side of validating a key on every request: parse + checksum, then hash + constant-time compare.</summary>
[MemoryDiagnoser]
public class KeyValidationBenchmarks
{
    private readonly string _key = Keys.Create(KeyKind.Api, Keys.NewId(), Keys.NewId());
    private readonly string _junk = "afs_api_" + new string('A', 91);
    private byte[] _hash = [];

    [GlobalSetup]
    public void Setup() => _hash = Keys.Hash(_key);

    [Benchmark(Baseline = true, Description = "parse + checksum (rejects junk, no storage read)")]
    public bool Parse() => Keys.TryParse(_key, out _);

    [Benchmark(Description = "junk key refused")]
    public bool ParseJunk() => Keys.TryParse(_junk, out _);

    [Benchmark(Description = "parse + SHA-256 + fixed-time compare")]
    public bool Validate() => Keys.TryParse(_key, out _) && Keys.Matches(_key, _hash);
}
