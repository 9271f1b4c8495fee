using Auth.Functions.Events;
using Auth.Functions.Secrets;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Mfa;

/// <summary>
/// The second factor's rows (<see cref="MfaEntity"/> and <see cref="MfaTicketEntity"/>), in the user's
/// partition of the users table, so that every change to them goes in one transaction with the user
/// row's flag, the event that records it and, at login, the session it grants.
/// </summary>
public sealed class MfaStore(AuthTables tables, ExpiryIndex expiry, SecurityEvents events, SecretKeyRing keys, TimeProvider clock, IOptions<MfaOptions> options)
{
    private readonly MfaOptions _options = options.Value;

    public MfaOptions Options => _options;

    public async Task<MfaEntity?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var response = await tables.Users.GetEntityIfExistsAsync<MfaEntity>(userId, MfaEntity.Row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>The sealed secret's context: a sealed value copied to another account does not open there.</summary>
    private static string SecretContext(string userId) => "totp:" + userId;

    /// <summary>
    /// Starts (or starts again) an enrolment with a new secret, unless a confirmed factor exists. Nothing
    /// changes at login until <see cref="TryEnableAsync"/>. Null when a confirmed factor exists.
    /// </summary>
    public async Task<byte[]?> BeginAsync(string userId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await GetAsync(userId, cancellationToken);
            if (existing is { Enabled: true })
            {
                return null;
            }

            var secret = TotpCodes.NewSecret();
            var key = keys.Current;
            var entity = new MfaEntity
            {
                PartitionKey = userId,
                SecretKeyId = key.Id,
                Secret = SecretBox.Seal(key, secret, SecretContext(userId)),
                Started = clock.GetUtcNow(),
            };
            try
            {
                if (existing is null)
                {
                    await tables.Users.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    // Guarded: a confirmation that landed meanwhile is not overwritten.
                    await tables.Users.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return secret;
            }
            catch (RequestFailedException e) when (attempt < 2 && (StorageErrors.IsConflict(e) || StorageErrors.IsPreconditionFailed(e) || StorageErrors.IsNotFound(e)))
            {
                // Another enrolment of the same user at the same moment: look again.
            }
        }
    }

    /// <summary>The TOTP secret, or null when its key is gone or the value was altered (refused like a wrong code).</summary>
    public async Task<byte[]?> OpenSecretAsync(MfaEntity mfa, CancellationToken cancellationToken) =>
        await keys.FindAsync(mfa.SecretKeyId, cancellationToken) is { } key ? SecretBox.Open(key, mfa.Secret, SecretContext(mfa.PartitionKey)) : null;

    /// <summary>
    /// Checks a TOTP code (a step later than the last accepted) or a recovery code against the factor
    /// as read. Null when it does not check out. Nothing is spent until the proof's write commits.
    /// </summary>
    public async Task<MfaProof?> CheckAsync(MfaEntity mfa, string? totpCode, string? recoveryCode, CancellationToken cancellationToken)
    {
        if (totpCode is not null)
        {
            var secret = await OpenSecretAsync(mfa, cancellationToken);
            return secret is not null && TotpCodes.Match(secret, totpCode.Trim(), clock.GetUtcNow()) is { } step && step > mfa.LastStep
                ? new MfaProof.Totp(step)
                : null;
        }

        if (recoveryCode is not null && mfa.Enabled && mfa.RecoveryKeyId is { } keyId && mfa.RecoveryHashes is { } hashes
            && await keys.FindAsync(keyId, cancellationToken) is { } key && RecoveryCodes.IndexOf(key, hashes, recoveryCode) is var index and >= 0)
        {
            return new MfaProof.RecoveryCode(index);
        }

        return null;
    }

    /// <summary>Spends the proof: a merge of the factor guarded by the ETag it was read with (a second use fails with 412).</summary>
    public static TableTransactionAction Spend(MfaEntity mfa, MfaProof proof, byte[]? newRecoveryHashes = null, string? newRecoveryKeyId = null)
    {
        var update = new TableEntity(mfa.PartitionKey, MfaEntity.Row);
        switch (proof)
        {
            case MfaProof.Totp totp:
                update[nameof(MfaEntity.LastStep)] = totp.Step;
                break;
            case MfaProof.RecoveryCode recovery:
                update[nameof(MfaEntity.RecoveryHashes)] = RecoveryCodes.Without(mfa.RecoveryHashes!, recovery.Index);
                break;
        }

        if (newRecoveryHashes is not null)
        {
            update[nameof(MfaEntity.RecoveryHashes)] = newRecoveryHashes;
            update[nameof(MfaEntity.RecoveryKeyId)] = newRecoveryKeyId;
        }

        return new TableTransactionAction(TableTransactionActionType.UpdateMerge, update, mfa.ETag);
    }

    /// <summary>New recovery codes under the current key: the codes to show once, the hashes to store, and the key's id.</summary>
    public (string[] Codes, byte[] Hashes, string KeyId) NewRecoveryCodes()
    {
        var key = keys.Current;
        var (codes, hashes) = RecoveryCodes.Generate(key);
        return (codes, hashes, key.Id);
    }

    /// <summary>
    /// Turns the factor on: the pending row (ETag-guarded, with the step that confirmed it and the new
    /// recovery hashes), the user row's flag and <c>mfa_enabled</c>, in one transaction. False when the
    /// pending row changed meanwhile (another confirmation, a new enrolment).
    /// </summary>
    public Task<bool> TryEnableAsync(MfaEntity pending, long step, (byte[] Hashes, string KeyId) recovery, CancellationToken cancellationToken)
    {
        var update = new TableEntity(pending.PartitionKey, MfaEntity.Row)
        {
            [nameof(MfaEntity.Enabled)] = true,
            [nameof(MfaEntity.LastStep)] = step,
            [nameof(MfaEntity.RecoveryHashes)] = recovery.Hashes,
            [nameof(MfaEntity.RecoveryKeyId)] = recovery.KeyId,
        };
        return TryCommitAsync(
            pending.PartitionKey,
            [new TableTransactionAction(TableTransactionActionType.UpdateMerge, update, pending.ETag), UserFlag(pending.PartitionKey, enabled: true)],
            SecurityEventTypes.MfaEnabled,
            cancellationToken);
    }

    /// <summary>Turns the factor off: deletes its row (guarded by the read that checked the code), clears the flag, records <c>mfa_disabled</c>.</summary>
    public Task<bool> TryDisableAsync(MfaEntity mfa, CancellationToken cancellationToken) =>
        TryCommitAsync(
            mfa.PartitionKey,
            [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(mfa.PartitionKey, MfaEntity.Row), mfa.ETag), UserFlag(mfa.PartitionKey, enabled: false)],
            SecurityEventTypes.MfaDisabled,
            cancellationToken);

    /// <summary>Replaces the recovery codes, spending the proof that allowed it, and records <c>recovery_codes_regenerated</c>.</summary>
    public Task<bool> TryReplaceRecoveryCodesAsync(MfaEntity mfa, MfaProof proof, (byte[] Hashes, string KeyId) recovery, CancellationToken cancellationToken) =>
        TryCommitAsync(mfa.PartitionKey, [Spend(mfa, proof, recovery.Hashes, recovery.KeyId)], SecurityEventTypes.RecoveryCodesRegenerated, cancellationToken);

    /// <summary>Records <c>mfa_failed</c> (a wrong code on a management call).</summary>
    public Task RecordFailureAsync(string userId, CancellationToken cancellationToken) =>
        events.RecordAsync(events.New(userId, SecurityEventTypes.MfaFailed), cancellationToken);

    private static TableTransactionAction UserFlag(string userId, bool enabled) =>
        new(TableTransactionActionType.UpdateMerge, new TableEntity(userId, UserEntity.Row) { [nameof(UserEntity.MfaEnabled)] = enabled }, ETag.All);

    private async Task<bool> TryCommitAsync(string userId, List<TableTransactionAction> actions, string eventType, CancellationToken cancellationToken)
    {
        var recorded = events.New(userId, eventType);
        await events.EnsureIndexedAsync(recorded, cancellationToken);
        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, recorded));
        try
        {
            await events.CommitAsync(() => tables.Users.SubmitTransactionAsync(actions, cancellationToken), recorded, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// A ticket for a login whose password verified: indexed for the purge, then stored. It carries the
    /// generation of the user row that password was checked against.
    /// </summary>
    /// <param name="method">How the first factor was proven (null: a password).</param>
    public async Task<(string Key, DateTimeOffset Expires)> IssueTicketAsync(UserEntity user, string network, CancellationToken cancellationToken, string? method = null)
    {
        var ticketId = Keys.NewId();
        var key = Keys.Create(KeyKind.Mfa, user.PartitionKey, ticketId);
        var now = clock.GetUtcNow();
        var ticket = new MfaTicketEntity
        {
            PartitionKey = user.PartitionKey,
            RowKey = MfaTicketEntity.RowKeyFor(ticketId),
            KeyHash = Keys.Hash(key),
            Created = now,
            Expires = now + _options.TicketLifetime,
            Generation = user.Generation,
            Network = network,
            Method = method,
        };
        await expiry.AddAsync(ticket.Expires, ExpiryKind.MfaTicket, ticket.PartitionKey, ticket.RowKey, cancellationToken);
        await tables.Users.AddEntityAsync(ticket, cancellationToken);
        return (key, ticket.Expires);
    }

    public async Task<MfaTicketEntity?> GetTicketAsync(ParsedKey parsed, CancellationToken cancellationToken)
    {
        var response = await tables.Users.GetEntityIfExistsAsync<MfaTicketEntity>(parsed.UserId, MfaTicketEntity.RowKeyFor(parsed.TokenId), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>The ticket is the one presented, unexpired, has wrong codes left, and no revocation came after it.</summary>
    public bool IsLive(string key, MfaTicketEntity ticket, UserEntity user) =>
        Keys.Matches(key, ticket.KeyHash)
        && clock.GetUtcNow() < ticket.Expires
        && ticket.Failures < _options.TicketMaxFailures
        && ticket.Generation >= user.Generation;

    /// <summary>The ticket is spent with the login it completes (guarded: of two uses, one commits).</summary>
    public static TableTransactionAction SpendTicket(MfaTicketEntity ticket) =>
        new(TableTransactionActionType.Delete, new TableEntity(ticket.PartitionKey, ticket.RowKey), ticket.ETag);

    /// <summary>
    /// A wrong code on a ticket: its count goes up (guarded, so every wrong code is counted once and a
    /// right one racing it must read the ticket again) and <c>mfa_failed</c> is recorded, in one transaction.
    /// False when the ticket changed meanwhile.
    /// </summary>
    public async Task<bool> TryCountTicketFailureAsync(MfaTicketEntity ticket, CancellationToken cancellationToken)
    {
        var update = new TableEntity(ticket.PartitionKey, ticket.RowKey) { [nameof(MfaTicketEntity.Failures)] = ticket.Failures + 1 };
        return await TryCommitAsync(ticket.PartitionKey, [new TableTransactionAction(TableTransactionActionType.UpdateMerge, update, ticket.ETag)], SecurityEventTypes.MfaFailed, cancellationToken);
    }
}
