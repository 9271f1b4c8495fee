using System.Security.Cryptography;
using System.Text;

namespace Auth.Functions.Users;

/// <summary>
/// An email as the service uses it: <see cref="Display"/> is what the user typed (trimmed),
/// <see cref="Normalized"/> is what is compared, and <see cref="Key"/> (hex SHA-256 of the normalised
/// form) is what reaches storage, so no user-typed character ever becomes part of a table key.
/// </summary>
public sealed record EmailAddress(string Display, string Normalized)
{
    public const int MaxLength = 254;

    public string Key { get; } = KeyOf(Normalized);

    public static string KeyOf(string normalized) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));

    /// <summary>Why <paramref name="input"/> did not parse, for the <c>email</c> field's validation error.</summary>
    public static string Refusal(string? input) => input is null
        ? "Is required."
        : IsWellFormed(input.Trim())
            ? "Must be typed in its plain form: no compatibility characters (such as the ligature 'ﬁ' for 'fi'), and non-ASCII letters in lower case."
            : "Must be a valid email address.";

    /// <summary>True for a string shaped like <see cref="Key"/>: 64 lower-case hex digits (queue messages carry it).</summary>
    public static bool IsKey([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? key) => key is { Length: 64 } && key.All(char.IsAsciiHexDigitLower);

    /// <summary>Trim and lower-case: for lookups that must not reveal whether the syntax was valid.</summary>
    public static string NormalizeLoosely(string email) => email.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    public static bool TryParse(string? input, out EmailAddress? email)
    {
        email = null;
        if (input is null)
        {
            return false;
        }

        var trimmed = input.Trim();
        if (!IsWellFormed(trimmed) || !IsPlain(trimmed))
        {
            return false;
        }

        email = new EmailAddress(trimmed, NormalizeLoosely(trimmed));
        return true;
    }

    /// <summary>
    /// Each part ASCII, or already what it normalises to. Uniqueness compares the normalised form while
    /// mail goes to the address as typed: were "ﬁnance@…" (a ligature) accepted, it would take the place
    /// of "finance@…", whose owner could then never register, and its links would go to another
    /// mailbox. An ASCII part differs from its normal form only in case, which mail systems ignore.
    /// </summary>
    private static bool IsPlain(string address)
    {
        var at = address.LastIndexOf('@');
        return IsPlainPart(address[..at]) && IsPlainPart(address[(at + 1)..]);

        static bool IsPlainPart(string part) => System.Text.Ascii.IsValid(part) || part == NormalizeLoosely(part);
    }

    private static bool IsWellFormed(string trimmed)
    {
        if (trimmed.Length is 0 or > MaxLength || trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return false;
        }

        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1 || at > 64 || trimmed.IndexOf('@') != at)
        {
            return false;
        }

        var domain = trimmed[(at + 1)..];
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.')
            || domain.Contains("..", StringComparison.Ordinal)
            || !domain.All(c => char.IsLetterOrDigit(c) || c is '-' or '.'))
        {
            return false;
        }

        return System.Net.Mail.MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed;
    }
}
