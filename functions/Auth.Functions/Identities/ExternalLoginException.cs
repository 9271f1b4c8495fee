namespace Auth.Functions.Identities;

/// <summary>The provider's answer did not verify, or the provider could not be reached; the reason is logged, never shown.</summary>
public sealed class ExternalLoginException(string reason, Exception? inner = null) : Exception(reason, inner);
