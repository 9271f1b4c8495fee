namespace Auth.Functions.Http;

/// <summary>The members an <c>mfa_required</c> problem adds: the ticket, what completes it, and until when.</summary>
public sealed record ProblemExtensions(string MfaTicket, IReadOnlyList<string> MfaMethods, DateTimeOffset Expires);
