using Auth.Functions.Events;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Azure.Data.Tables;

namespace Auth.Functions.Recovery;

/// <summary>
/// Reset links: found while no revocation and no password change has come since they were minted,
/// and redeemed with the new password.
/// </summary>
public sealed class ResetTokenStore(AuthTables tables, EmailLinkStore links, SecurityEvents events, TimeProvider clock)
{
    public Task<(LinkLookup Result, LinkCandidate? Candidate)> FindAsync(string token, CancellationToken cancellationToken) =>
        links.FindAsync(EmailLinkKind.Reset, token, Allows, cancellationToken);

    /// <summary>
    /// A link asked for before the password last changed is dead: whoever changed it knew the password,
    /// and a link in an old inbox must not undo that. Any revocation kills it too.
    /// </summary>
    private static bool Allows(UserEntity user, EmailLinkEntity link) =>
        Revocation.Allows(user, link) && user.PasswordChanged <= link.Created;

    /// <summary>
    /// Spends the token and sets the password with the revocation barrier, as one entity-group
    /// transaction on the user's partition: both rows unchanged since read, or nothing happens. No
    /// crash or outage can leave a spent token with the old password or old keys still working, and
    /// of concurrent resets with one token exactly one commits. The new generation, or null.
    /// </summary>
    /// <remarks>
    /// Receiving the link proves control of the address: an unverified account becomes verified in the
    /// same transaction, with its <c>email_verified</c> event.
    /// </remarks>
    public async Task<long?> TryRedeemAsync(LinkCandidate candidate, string newPasswordHash, CancellationToken cancellationToken)
    {
        var (reset, user) = (candidate.Link, candidate.User);
        var setPassword = UserStore.RevocationUpdate(user, keepTokenId: null, newPasswordHash, clock.GetUtcNow());
        List<SecurityEventEntity> recorded = [events.New(user.PartitionKey, SecurityEventTypes.PasswordReset)];
        if (!user.IsEmailVerified)
        {
            setPassword[nameof(UserEntity.EmailVerified)] = true;
            recorded.Add(events.New(user.PartitionKey, SecurityEventTypes.EmailVerified));
        }

        await events.EnsureIndexedAsync(recorded[0], cancellationToken);
        try
        {
            await events.CommitAsync(() => tables.Users.SubmitTransactionAsync(
            [
                EmailLinkStore.Spend(reset),
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, setPassword, user.ETag),
                .. recorded.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)),
            ], cancellationToken), recorded, cancellationToken);
            return user.Generation + 1;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }
}
