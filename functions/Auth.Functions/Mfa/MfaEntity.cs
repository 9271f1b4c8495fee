using System.Runtime.Serialization;
using Auth.Functions.Storage;

namespace Auth.Functions.Mfa;

/// <summary>
/// A user's second factor: PartitionKey = user id, RowKey = "mfa", beside the user row so that
/// switching it on or off and the user row's <see cref="UserEntity.MfaEnabled"/> are one transaction.
/// The TOTP secret is sealed (<see cref="Secrets.SecretBox"/>) under a key that is not in the table
/// store; recovery codes are kept only as keyed hashes. Its ETag guards every use: spending a step or
/// a recovery code is a conditional write, so one code succeeds once, also in parallel.
/// </summary>
public sealed class MfaEntity : TableRow
{
    public const string Row = "mfa";

    public MfaEntity() => RowKey = Row;

    /// <summary>The ring key <see cref="Secret"/> was sealed with.</summary>
    public string SecretKeyId { get; set; } = "";

    public byte[] Secret { get; set; } = [];

    /// <summary>False from enrolment until a code confirms it: until then nothing changes at login.</summary>
    public bool Enabled { get; set; }

    public DateTimeOffset Started { get; set; }

    /// <summary>The last TOTP time step accepted: a code of this step or an earlier one is refused.</summary>
    public long LastStep { get; set; }

    /// <summary>The ring key the recovery-code hashes were made with.</summary>
    public string? RecoveryKeyId { get; set; }

    /// <summary>The unused recovery codes' HMAC-SHA256 hashes, 32 bytes each; a code used is cut out.</summary>
    public byte[]? RecoveryHashes { get; set; }

    [IgnoreDataMember]
    public int RecoveryCodesLeft => (RecoveryHashes?.Length ?? 0) / RecoveryCodes.HashBytes;
}
