using Auth.Functions.Accounts;
using Auth.Functions.Events;
using Auth.Functions.Identities;
using Auth.Functions.Passkeys;
using Auth.Functions.Mfa;
using Auth.Functions.Recovery;
using Auth.Functions.Secrets;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Auth.Functions.Admin;

/// <summary>What the admin API does to accounts. Each change to a user goes in that user's log too.</summary>
public sealed class AdminService(
    AuthTables tables,
    UserStore users,
    PasskeyStore passkeys,
    IdentityStore identities,
    SecurityEvents events,
    RevocationService revocation,
    MfaStore mfa,
    AccountErasure erasure,
    ResetQueue resets,
    SecretKeyRing keys)
{
    private const int MaxConflicts = 5;

    /// <summary>The account with this id, or null (no such id, or being erased).</summary>
    public async Task<UserEntity?> FindAsync(string? userId, CancellationToken cancellationToken) =>
        Keys.IsValidId(userId) && await users.GetAsync(userId, cancellationToken) is { IsDeleted: false } user ? user : null;

    public async Task<AdminUserDto> ToDtoAsync(UserEntity user, CancellationToken cancellationToken)
    {
        var passkeysRead = passkeys.ListAsync(user.PartitionKey, cancellationToken);
        var identitiesRead = identities.ListAsync(user.PartitionKey, cancellationToken);
        var lastLoginRead = events.LastOfTypeAsync(user.PartitionKey, SecurityEventTypes.LoginSucceeded, cancellationToken);
        await Task.WhenAll(passkeysRead, identitiesRead, lastLoginRead);
        return new(
            user.PartitionKey,
            user.Email,
            user.DisplayName,
            user.IsEmailVerified,
            user.Created,
            user.HasMfa,
            HasPassword: user.PasswordHash.Length > 0,
            user.IsDisabled,
            string.IsNullOrEmpty(user.DisabledReason) ? null : user.DisabledReason,
            [.. (await passkeysRead).Select(p => p.ToDto())],
            [.. (await identitiesRead).Select(i => i.ToDto())],
            await lastLoginRead);
    }

    /// <summary>
    /// A page of accounts, in the email index's order (a hash of the address: stable, not alphabetical).
    /// The index holds one row per account, so a page costs its rows and one point read per account.
    /// </summary>
    public async Task<(List<UserEntity> Users, string? Next)> ListAsync(int limit, string? cursor, CancellationToken cancellationToken)
    {
        await foreach (var page in tables.Emails.QueryAsync<EmailIndexEntity>(select: [nameof(EmailIndexEntity.UserId)], cancellationToken: cancellationToken)
            .AsPages(cursor is null ? null : DecodeCursor(cursor), limit))
        {
            var found = await Task.WhenAll(page.Values.Select(i => FindAsync(i.UserId, cancellationToken)));
            return ([.. found.OfType<UserEntity>()], page.ContinuationToken is { } next ? EncodeCursor(next) : null);
        }

        return ([], null);
    }

    /// <summary>
    /// The storage's continuation token as an opaque cursor, with an HMAC under the current secret key
    /// (a derived subkey): a cursor this service did not hand out is refused, not read as an empty page.
    /// </summary>
    private string EncodeCursor(string continuation)
    {
        var token = System.Text.Encoding.UTF8.GetBytes(continuation);
        return Base64Url.EncodeToString(token) + "." + Base64Url.EncodeToString(CursorMac(token));
    }

    public bool IsCursor(string cursor) => DecodeCursor(cursor) is not null;

    private string? DecodeCursor(string cursor)
    {
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        try
        {
            var token = Base64Url.DecodeFromChars(cursor.AsSpan(0, Math.Max(dot, 0)));
            var mac = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
            return dot > 0 && CryptographicOperations.FixedTimeEquals(mac, CursorMac(token)) ? System.Text.Encoding.UTF8.GetString(token) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private byte[] CursorMac(byte[] token) => HMACSHA256.HashData(SecretKeyRing.Derive(keys.Current, "admin-list-cursor"), token).AsSpan(0, 16).ToArray();

    /// <summary>
    /// Disables (a revocation barrier: every key refused at once, and none minted by a request authorised
    /// before) or enables the account; <c>account_disabled</c> / <c>account_enabled</c> goes in its log in
    /// the same write. False when the row kept changing (answered 429).
    /// </summary>
    public async Task<bool> SetDisabledAsync(AdminCaller caller, UserEntity user, bool disabled, string? reason, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var recorded = events.New(user.PartitionKey, disabled ? SecurityEventTypes.AccountDisabled : SecurityEventTypes.AccountEnabled, caller.KeyId, reason);
            if (await users.TrySetDisabledAsync(user, disabled, reason, recorded, cancellationToken))
            {
                if (disabled)
                {
                    await revocation.CleanUpAsync(user.PartitionKey, user.Generation + 1, keptTokenId: null, "disable", cancellationToken);
                }

                return true;
            }

            if (attempt == MaxConflicts || await FindAsync(user.PartitionKey, cancellationToken) is not { } current)
            {
                return false;
            }

            user = current;
        }
    }

    /// <summary>Every key of the account revoked (the barrier of a revoke-all, with no key kept). False when the row kept changing.</summary>
    public async Task<bool> RevokeKeysAsync(AdminCaller caller, UserEntity user, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await users.TryRevokeAsync(user, keepTokenId: null, newPasswordHash: null, SecurityEventTypes.KeysRevokedAll, caller.KeyId, cancellationToken) is { } generation)
            {
                await revocation.CleanUpAsync(user.PartitionKey, generation, keptTokenId: null, "admin revoke-keys", cancellationToken);
                return true;
            }

            if (attempt == MaxConflicts || await FindAsync(user.PartitionKey, cancellationToken) is not { } current)
            {
                return false;
            }

            user = current;
        }
    }

    /// <summary>Removes the second factor (for a user who lost the device and every code); <c>mfa_disabled</c> is emailed. Idempotent.</summary>
    public async Task<bool> RemoveMfaAsync(UserEntity user, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxConflicts; attempt++)
        {
            if (await mfa.GetAsync(user.PartitionKey, cancellationToken) is not { } factor)
            {
                return true; // nothing to remove (the flag and the row are only ever switched together)
            }

            if (await mfa.TryDisableAsync(factor, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The ordinary reset email, through the same queue and limits as ForgotPassword.</summary>
    public Task SendPasswordResetAsync(UserEntity user, CancellationToken cancellationToken) =>
        resets.EnqueueAsync(new ResetRequestMessage(Keys.NewId(), EmailAddress.KeyOf(user.NormalizedEmail)), cancellationToken);

    public Task<bool> EraseAsync(UserEntity user, CancellationToken cancellationToken) => erasure.EraseAsync(user.PartitionKey, cancellationToken);
}
