namespace Auth.Functions.Passwords;

public sealed class PasswordHashingOptions
{
    public const string Section = "PasswordHashing";

    /// <summary>
    /// Argon2id memory in KiB. 7 MiB with 5 passes is one of OWASP's equivalent argon2id settings, chosen
    /// by measurement: libsodium maps and faults in its memory for every hash, so the setting with the
    /// least memory is the fastest at equal strength (README, "Password hashing").
    /// </summary>
    public int MemoryKiB { get; set; } = 7168;

    /// <summary>Argon2id passes; one lane always (libsodium computes one).</summary>
    public int Iterations { get; set; } = 5;

    /// <summary>
    /// Largest memory accepted from a stored hash: twice the largest of OWASP's settings (19 MiB), so
    /// hashes made at any of them keep verifying. A tampered row must not exhaust memory.
    /// </summary>
    public int MaxMemoryKiB { get; set; } = 2 * 19456;

    /// <summary>Largest pass count accepted from a stored hash; unset, twice <see cref="Iterations"/>.</summary>
    public int? MaxIterations { get; set; }

    /// <summary>Largest lane count accepted from a stored hash. Lanes split the memory, so they add no work.</summary>
    public int MaxParallelism { get; set; } = 8;

    /// <summary>Hashes computed at once; 0 means one per CPU core. Bounds memory: each takes MemoryKiB.</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>How long a request queues for a hashing slot before it is told to retry (429).</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int EffectiveConcurrency => MaxConcurrency > 0 ? MaxConcurrency : Math.Max(1, Environment.ProcessorCount);

    /// <summary>The most work (memory × passes) a stored hash may ask for: twice today's, so a tampered row costs at most two hashes.</summary>
    public long MaxWork => 2L * MemoryKiB * Iterations;

    public int EffectiveMaxIterations => MaxIterations ?? 2 * Iterations;
}
