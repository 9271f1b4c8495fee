using Auth.Functions.Storage;

namespace Auth.Functions.Tokens;

/// <summary>One kind of single-use emailed link: its key prefix, its row prefix and its expiry-index kind.</summary>
public sealed record EmailLinkKind(KeyKind Key, string RowPrefix, ExpiryKind Expiry)
{
    public static readonly EmailLinkKind Reset = new(KeyKind.Reset, EmailLinkEntity.ResetPrefix, ExpiryKind.Reset);
    public static readonly EmailLinkKind Verification = new(KeyKind.Verification, EmailLinkEntity.VerificationPrefix, ExpiryKind.Verification);

    public string RowKeyFor(string id) => RowPrefix + id;
}
