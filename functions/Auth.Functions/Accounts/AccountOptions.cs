namespace Auth.Functions.Accounts;

/// <summary>Account rules (<c>Accounts__…</c>).</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>
    /// While true, a login to an account whose address is not verified is refused (403
    /// <c>email_not_verified</c>), and only once its password has been verified.
    /// </summary>
    public bool RequireVerifiedEmail { get; set; } = true;

    /// <summary>
    /// An account whose address is still unverified this long after registering is erased by the purge,
    /// which frees the address: nobody can hold an address they cannot receive mail at.
    /// </summary>
    public TimeSpan UnverifiedAccountLifetime { get; set; } = TimeSpan.FromDays(7);
}
