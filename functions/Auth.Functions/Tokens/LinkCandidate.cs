using Auth.Functions.Storage;

namespace Auth.Functions.Tokens;

/// <summary>A link that names a live row, with its owner's row as read alongside it.</summary>
public sealed record LinkCandidate(EmailLinkEntity Link, UserEntity User);
