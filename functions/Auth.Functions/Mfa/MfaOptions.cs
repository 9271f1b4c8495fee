namespace Auth.Functions.Mfa;

/// <summary>The second factor (<c>Mfa__…</c>).</summary>
public sealed class MfaOptions
{
    public const string Section = "Mfa";

    /// <summary>The name authenticator apps show beside the account (the <c>issuer</c> of the otpauth URI).</summary>
    public string Issuer { get; set; } = "Auth.Functions";

    /// <summary>How long a login whose password verified has to send its code.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wrong codes a ticket takes before it dies.</summary>
    public int TicketMaxFailures { get; set; } = 5;

    /// <summary>How long a begun enrolment waits for its confirming code before it must be begun again.</summary>
    public TimeSpan EnrolmentLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
