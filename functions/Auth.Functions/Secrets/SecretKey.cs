namespace Auth.Functions.Secrets;

/// <summary>One 256-bit key of the ring and the id stored beside what it encrypted.</summary>
public sealed record SecretKey(string Id, byte[] Material);
