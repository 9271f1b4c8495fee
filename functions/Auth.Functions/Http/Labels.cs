namespace Auth.Functions.Http;

/// <summary>The rule for the labels a user gives their things (API keys, passkeys): shown back to them and put in emails.</summary>
public static class Labels
{
    public const int MaxLength = 100;

    public const string Rule = "Must be at most 100 characters, without control characters.";

    /// <summary>A trimmed label within the length, without control characters (they could forge lines in an email).</summary>
    public static bool IsAcceptable(string label) => label.Length <= MaxLength && !label.Any(char.IsControl);
}
