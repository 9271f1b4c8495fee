namespace Auth.Functions.Mfa;

/// <summary>A code that checked out against the factor as read: spending it is a write guarded by that read's ETag.</summary>
public abstract record MfaProof
{
    /// <summary>A TOTP code of this time step (later than the last one accepted).</summary>
    public sealed record Totp(long Step) : MfaProof;

    /// <summary>The recovery code at this position of the stored hashes.</summary>
    public sealed record RecoveryCode(int Index) : MfaProof;
}
