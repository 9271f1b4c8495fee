namespace Auth.Functions.Accounts;

/// <param name="RecoveryCodes">Ten single-use codes, shown this once.</param>
public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);
