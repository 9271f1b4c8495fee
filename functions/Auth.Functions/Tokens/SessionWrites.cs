using Auth.Functions.Events;
using Azure.Data.Tables;

namespace Auth.Functions.Tokens;

/// <summary>
/// Writes in the user's partition that commit in one transaction with a new session, or not at all:
/// the second factor spends its code and its ticket this way, so a code is used exactly when a
/// session is minted with it. Guarded writes among them make the minting conditional too.
/// </summary>
public sealed record SessionWrites(IReadOnlyList<TableTransactionAction> Actions, IReadOnlyList<SecurityEventEntity> Events)
{
    public static readonly SessionWrites None = new([], []);
}
