namespace Auth.Functions.Accounts;

/// <param name="Code">The <c>code</c> the sign-in sent the app back with (<c>afs_xcode_…</c>).</param>
/// <param name="CodeVerifier">The PKCE verifier whose S256 challenge the app started the sign-in with.</param>
public sealed record ExchangeExternalLoginRequest(string? Code, string? CodeVerifier);
