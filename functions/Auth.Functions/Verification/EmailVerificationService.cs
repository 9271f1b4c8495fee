using Auth.Functions.Events;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Azure.Data.Tables;

namespace Auth.Functions.Verification;

/// <summary>
/// Spends a verification link: the link is marked used, the account verified and an
/// <c>email_verified</c> event recorded, in one transaction on the user's partition. Of concurrent
/// uses of one link exactly one commits; the others find it used.
/// </summary>
public sealed partial class EmailVerificationService(
    AuthTables tables, EmailLinkStore links, SecurityEvents events, ILogger<EmailVerificationService> logger)
{
    private const int MaxAttempts = 5;

    public async Task<VerificationOutcome> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // Unlike a reset link, a revocation (a password change) leaves a verification link working:
            // what it proves, that the link reached the inbox, is still true.
            var (lookup, candidate) = await links.FindAsync(EmailLinkKind.Verification, token, static (_, _) => true, cancellationToken);
            switch (lookup)
            {
                case LinkLookup.NotFound:
                    return VerificationOutcome.TokenNotFound;
                case LinkLookup.Expired:
                    return VerificationOutcome.TokenExpired;
            }

            var (link, user) = (candidate!.Link, candidate.User);
            List<TableTransactionAction> actions = [EmailLinkStore.Spend(link)];
            SecurityEventEntity? recorded = null;
            if (!user.IsEmailVerified)
            {
                // A reset may have verified the address since this link was sent: then the link is only spent.
                recorded = events.New(user.PartitionKey, SecurityEventTypes.EmailVerified);
                await events.EnsureIndexedAsync(recorded, cancellationToken);
                actions.Add(new(TableTransactionActionType.UpdateMerge,
                    new TableEntity(user.PartitionKey, user.RowKey) { [nameof(UserEntity.EmailVerified)] = true }, user.ETag));
                actions.Add(new(TableTransactionActionType.Add, recorded));
            }

            try
            {
                var commit = () => tables.Users.SubmitTransactionAsync(actions, cancellationToken);
                await (recorded is null ? commit() : events.CommitAsync(commit, recorded, cancellationToken));
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
            {
                continue; // Either row changed meanwhile: look again (spent by a concurrent use -> not found).
            }

            LogVerified(logger, user.PartitionKey, link.TokenId);
            return VerificationOutcome.Verified;
        }

        return VerificationOutcome.TokenNotFound;
    }

    [LoggerMessage(EventId = 1091, Level = LogLevel.Information, Message = "Email of user {UserId} verified with link {LinkId}.")]
    private static partial void LogVerified(ILogger logger, string userId, string linkId);
}
