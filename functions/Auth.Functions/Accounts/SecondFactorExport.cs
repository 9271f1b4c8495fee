namespace Auth.Functions.Accounts;

/// <summary>The second factor as an export shows it: whether it is on, and how many recovery codes are left; never the secret or a code.</summary>
public sealed record SecondFactorExport(bool Enabled, int RecoveryCodesLeft);
