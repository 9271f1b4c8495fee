using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;

namespace Auth.Functions.Storage;

// Table entities never leave the storage layer: handlers turn them into DTOs.

/// <summary>The keys and concurrency token every row has.</summary>
public abstract class TableRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
}

/// <summary>A user: PartitionKey = user id, RowKey = "user". Tokens live in the same partition.</summary>
public sealed class UserEntity : TableRow
{
    public const string Row = "user";

    public UserEntity() => RowKey = Row;

    public string Email { get; set; } = "";
    public string NormalizedEmail { get; set; } = "";
    public string? DisplayName { get; set; }
    public string PasswordHash { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset PasswordChanged { get; set; }

    /// <summary>
    /// The revocation generation: a reset, a change-password with resetTokens and a revoke-all bump it
    /// (ETag-guarded) before they answer, and every key authorised under an older one is refused.
    /// </summary>
    public long Generation { get; set; }

    /// <summary>The calling key that the latest revocation kept (null: it kept none).</summary>
    public string? KeptTokenId { get; set; }

    /// <summary>
    /// False from registration until the address is verified (a verification link, or a completed
    /// reset). Null on accounts created before verification existed: they count as verified.
    /// </summary>
    public bool? EmailVerified { get; set; }

    [IgnoreDataMember]
    public bool IsEmailVerified => EmailVerified ?? true;

    /// <summary>
    /// A confirmed second factor: a login whose password verified asks for a code. Set and cleared in
    /// one transaction with the factor's own row, and kept here because a login reads this row anyway.
    /// </summary>
    public bool? MfaEnabled { get; set; }

    [IgnoreDataMember]
    public bool HasMfa => MfaEnabled == true;

    /// <summary>Disabled by an admin: no key works and a login with the right password answers 403.</summary>
    public bool? Disabled { get; set; }

    /// <summary>Why, as the admin gave it (empty: none).</summary>
    public string? DisabledReason { get; set; }

    /// <summary>
    /// Being erased: set with a generation bump in one write before anything is deleted (the barrier),
    /// so that from then on no key works; the erasure, or the purge after a crash, removes the rest.
    /// </summary>
    public bool? Deleted { get; set; }

    [IgnoreDataMember]
    public bool IsDisabled => Disabled == true;

    [IgnoreDataMember]
    public bool IsDeleted => Deleted == true;
}

/// <summary>
/// A session or API key: PartitionKey = owner's user id, RowKey = "tok-" + token id. The key itself
/// carries both ids, so validating it is one point read; listing is one partition query.
/// </summary>
public sealed class TokenEntity : TableRow
{
    public const string RowPrefix = "tok-";
    public const string RowPrefixEnd = "tok."; // '.' sorts right after '-': the range holds exactly the tokens.

    public string Type { get; set; } = "";
    public string? Label { get; set; }
    /// <summary>SHA-256 of the whole key; the key itself is never stored.</summary>
    public byte[] KeyHash { get; set; } = [];
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset? Expires { get; set; }
    public DateTimeOffset? LastUsed { get; set; }
    /// <summary>The owner's <see cref="UserEntity.Generation"/> when this key was authorised (password verified, or creating key validated).</summary>
    public long Generation { get; set; }

    [IgnoreDataMember] // Derived from the RowKey: not a column.
    public string TokenId => RowKey[RowPrefix.Length..];

    public static string RowKeyFor(string tokenId) => RowPrefix + tokenId;
}

/// <summary>
/// Email uniqueness lock: PartitionKey = SHA-256 of the normalised email, RowKey = "". Insert-only,
/// so of two concurrent registrations exactly one insert wins.
/// </summary>
public sealed class EmailIndexEntity : TableRow
{
    public string UserId { get; set; } = "";
    public DateTimeOffset Created { get; set; }
}

/// <summary>
/// A single-use link emailed to the account's address: a password reset (RowKey "rst-" + id) or an
/// email verification ("vfy-" + id). It lives in its user's partition of the users table, so spending
/// it and changing the user row are one entity-group transaction. The id is the id of the request
/// that minted it, so a redelivered queue message finds its own link. Only the hash is stored.
/// </summary>
public sealed class EmailLinkEntity : TableRow
{
    public const string ResetPrefix = "rst-";
    public const string VerificationPrefix = "vfy-";

    /// <summary>Both prefixes are this long: the id follows.</summary>
    public const int PrefixLength = 4;

    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Used = "used";

    public byte[] KeyHash { get; set; } = [];
    public string State { get; set; } = Pending;
    /// <summary>How many links this request has minted; each new one replaces the last.</summary>
    public int Mints { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Expires { get; set; }
    /// <summary>The user's generation when minted: for a reset link, any revocation since (another reset included) kills it.</summary>
    public long Generation { get; set; }

    [IgnoreDataMember] // Derived from the RowKey: not a column.
    public string TokenId => RowKey[PrefixLength..];
}

/// <summary>Reset emails sent to one account (PartitionKey = "reset-" + email key) or to everyone in one minute ("reset-all").</summary>
public sealed class EmailThrottleEntity : TableRow
{
    public DateTimeOffset LastSent { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public int SentInWindow { get; set; }
}

/// <summary>
/// The expiry index: one row per thing that will need purging, in the partition of the hour it
/// falls due (PartitionKey = "yyyyMMddHH" UTC), so the purge reads only what is due, never the
/// whole store. RowKey = "{kind}_{target partition}_{target row}".
/// </summary>
public sealed class ExpiryEntity : TableRow;
