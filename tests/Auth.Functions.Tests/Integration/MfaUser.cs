namespace Auth.Functions.Tests.Integration;

/// <summary>An account with a confirmed second factor, and what a test needs to use it.</summary>
internal sealed record MfaUser(string Email, string Password, string Key, string UserId, byte[] Secret, string[] RecoveryCodes);
