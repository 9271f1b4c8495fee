namespace Auth.Functions.Identities;

/// <summary>Who the provider says signed in, once its answer verified.</summary>
/// <param name="Subject">The provider's stable id of the person (OIDC <c>sub</c>, GitHub's numeric id).</param>
/// <param name="EmailVerified">The provider asserts the person controls <paramref name="Email"/>.</param>
/// <param name="MayLinkByEmail">This provider's verified emails are trusted to link to an existing account.</param>
public sealed record ExternalIdentity(string Provider, string Subject, string? Email, bool EmailVerified, bool MayLinkByEmail);
