namespace Auth.Functions.Passwords;

public enum PasswordVerification
{
    Failed,
    Succeeded,
    /// <summary>Correct, but the stored hash uses weaker parameters than today's: re-hash it.</summary>
    SucceededRehashNeeded,
}

/// <summary>
/// The one seam for password hashing. Hashes are standard PHC strings
/// (<c>$argon2id$v=19$m=..,t=..,p=..$salt$hash</c>) so any conforming implementation verifies them.
/// Implementations are synchronous and CPU-bound; <see cref="PasswordService"/> bounds their concurrency.
/// </summary>
public interface IPasswordHasher
{
    string Hash(string password);

    /// <summary>
    /// Whether <paramref name="encodedHash"/> is one this hasher would verify (well-formed, within the
    /// caps). <see cref="PasswordService"/> verifies against its dummy hash instead of one that is not,
    /// so a corrupt or tampered row costs what a real verification costs.
    /// </summary>
    bool IsUsable(string? encodedHash);

    PasswordVerification Verify(string encodedHash, string password);
}
