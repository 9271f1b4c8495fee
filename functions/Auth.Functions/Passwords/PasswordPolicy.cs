using System.Reflection;
using System.Text;

namespace Auth.Functions.Passwords;

/// <summary>
/// NIST SP 800-63B rules: 8 to 256 code points after NFKC (an emoji is one), no composition rules,
/// not one of the most common passwords, not the user's own email or its local part.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 256;

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommonPasswords);

    public static int CommonPasswordCount => Common.Value.Count;

    /// <summary>The reason the password is refused, or null when it is acceptable.</summary>
    public static string? Check(string password, string? email)
    {
        // Cheap checks first: a huge input is refused before it is normalised or hashed.
        if (password.Length > MaxLength * 4)
        {
            return $"Must be at most {MaxLength} characters.";
        }

        var normalized = PasswordService.Normalize(password);
        var length = CountCodePoints(normalized);
        if (length < MinLength)
        {
            return $"Must be at least {MinLength} characters.";
        }

        if (length > MaxLength)
        {
            return $"Must be at most {MaxLength} characters.";
        }

        var folded = normalized.ToLowerInvariant();
        if (Common.Value.Contains(folded))
        {
            return "Is one of the most commonly used passwords; choose one that is harder to guess.";
        }

        if (email is not null)
        {
            var address = email.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant();
            var at = address.LastIndexOf('@');
            var local = at > 0 ? address[..at] : address;
            if (folded == address || folded == local)
            {
                return "Must not be your email address or its name part.";
            }
        }

        return null;
    }

    public static int CountCodePoints(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static HashSet<string> LoadCommonPasswords()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("common-passwords.txt")
            ?? throw new InvalidOperationException("The common-passwords list is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line.ToLowerInvariant());
            }
        }

        return set;
    }
}
