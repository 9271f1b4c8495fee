namespace Auth.Functions.Tokens;

/// <summary>What a revoke-all came to.</summary>
public enum RevokeAllOutcome
{
    /// <summary>Every key it covers is refused from now on.</summary>
    Revoked,

    /// <summary>The caller's own key was revoked meanwhile: nothing was done (401).</summary>
    CallerRevoked,

    /// <summary>The user row kept changing underneath (other writers at once): nothing was done; try again shortly (429).</summary>
    Contended,
}
