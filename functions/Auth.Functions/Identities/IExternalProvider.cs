namespace Auth.Functions.Identities;

/// <summary>One configured provider: where to send the person, and what its answer proves.</summary>
public interface IExternalProvider
{
    string Name { get; }

    /// <summary>The provider's authorization URL: the authorization code flow with PKCE (S256), <c>state</c> and, for OIDC, <c>nonce</c>.</summary>
    Task<string> AuthorizationUrlAsync(string callback, string state, string nonce, string codeChallenge, CancellationToken cancellationToken);

    /// <summary>Redeems the code (with the PKCE verifier) and verifies the answer. Throws <see cref="ExternalLoginException"/>.</summary>
    Task<ExternalIdentity> RedeemAsync(string code, string codeVerifier, string callback, string nonce, CancellationToken cancellationToken);
}
