using Auth.Functions.Storage;

namespace Auth.Functions.Accounts;

/// <summary>
/// A failed-login counter in the partition "login-" + email key (whether or not the account exists):
/// the account's counter at RowKey "", and one per client network at "net-" + network.
/// </summary>
public sealed class LoginThrottleEntity : TableRow
{
    public int Failures { get; set; }
    public DateTimeOffset LastFailure { get; set; }
}
