namespace Auth.Functions.Passwords;

public sealed class PasswordHashingOptions
{
    public const string Section = "PasswordHashing";

    /// <summary>Argon2id memory in KiB (OWASP baseline: 19456 = 19 MiB).</summary>
    public int MemoryKiB { get; set; } = 19456;

    /// <summary>Argon2id passes (OWASP baseline: 2).</summary>
    public int Iterations { get; set; } = 2;

    /// <summary>Argon2id lanes (OWASP baseline: 1).</summary>
    public int Parallelism { get; set; } = 1;

    /// <summary>Largest memory accepted from a stored hash: a tampered row must not exhaust memory.</summary>
    public int MaxMemoryKiB { get; set; } = 262144;

    public int MaxIterations { get; set; } = 16;

    public int MaxParallelism { get; set; } = 8;

    /// <summary>Hashes computed at once; 0 means one per CPU core. Bounds memory: each takes MemoryKiB.</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>How long a request queues for a hashing slot before it is told to retry (429).</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int EffectiveConcurrency => MaxConcurrency > 0 ? MaxConcurrency : Math.Max(1, Environment.ProcessorCount);
}
