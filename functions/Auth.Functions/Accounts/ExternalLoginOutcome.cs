namespace Auth.Functions.Accounts;

/// <summary>How a StartExternalLogin ends.</summary>
public abstract record ExternalStart
{
    public sealed record Redirect(string Url) : ExternalStart;

    public sealed record NotConfigured : ExternalStart;

    /// <summary>The redirect URI is not listed, or the code challenge is not an S256 challenge.</summary>
    public sealed record Invalid(string Field, string Message) : ExternalStart;
}
