using Auth.Functions.Storage;

namespace Auth.Functions.Identities;

/// <summary>
/// The lock that maps a (provider, subject) to one account: emails table, PartitionKey = "idp-" + the
/// identity's id, RowKey = "". Insert-only, as the email index is: of two sign-ins that would link or
/// create for one subject at once, one insert wins. A row whose account is gone is reclaimed.
/// </summary>
public sealed class IdentityIndexEntity : TableRow
{
    public const string PartitionPrefix = "idp-";

    public string UserId { get; set; } = "";
}
