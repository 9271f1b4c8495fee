namespace Auth.Functions.Email;

public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary><c>pickup</c> (write .eml files), <c>smtp</c> or <c>acs</c> (Azure Communication Services).</summary>
    public string Provider { get; set; } = "pickup";

    /// <summary>Sender address. For ACS, an address of a domain linked to the resource.</summary>
    public string From { get; set; } = "no-reply@localhost";

    public string FromName { get; set; } = "Auth.Functions";

    public string PickupDirectory { get; set; } = ".data/mail";

    public SmtpSettings Smtp { get; set; } = new();

    public AcsSettings Acs { get; set; } = new();

    public sealed class SmtpSettings
    {
        public string? Host { get; set; }

        public int Port { get; set; } = 587;

        /// <summary>
        /// <c>starttls</c> (the default: the server must offer STARTTLS, or nothing is sent), <c>tls</c>
        /// (implicit TLS, usually port 465) or <c>none</c> (plain text: reset links and the SMTP password
        /// readable on the wire; only for a relay on the same host). There is no "TLS if offered": a
        /// network attacker could strip the offer.
        /// </summary>
        public string Security { get; set; } = "starttls";

        public string? Username { get; set; }

        public string? Password { get; set; }

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    }

    public sealed class AcsSettings
    {
        /// <summary>Connection string <c>endpoint=https://…;accesskey=…</c> (HMAC auth). Leave empty to use Entra ID.</summary>
        public string? ConnectionString { get; set; }

        /// <summary>Resource endpoint, for Entra ID auth (managed identity in Azure).</summary>
        public string? Endpoint { get; set; }

        /// <summary>Client id of a user-assigned managed identity (Entra ID auth).</summary>
        public string? ClientId { get; set; }

        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

        public TimeSpan SendTimeout { get; set; } = TimeSpan.FromMinutes(2);
    }

    /// <summary>Every problem with the settings, each naming the setting to fix.</summary>
    public IEnumerable<string> Problems()
    {
        if (!System.Net.Mail.MailAddress.TryCreate(From, out _))
        {
            yield return $"Email__From ('{From}') is not an email address.";
        }

        switch (Provider.ToLowerInvariant())
        {
            case "pickup":
                if (string.IsNullOrWhiteSpace(PickupDirectory))
                {
                    yield return "Email__PickupDirectory must name a folder when Email__Provider is 'pickup'.";
                }

                break;
            case "smtp":
                if (string.IsNullOrWhiteSpace(Smtp.Host))
                {
                    yield return "Email__Smtp__Host is required when Email__Provider is 'smtp'.";
                }

                if (Smtp.Port is <= 0 or > 65535)
                {
                    yield return "Email__Smtp__Port must be a TCP port.";
                }

                if (Smtp.Security.ToLowerInvariant() is not ("none" or "starttls" or "tls"))
                {
                    yield return "Email__Smtp__Security must be starttls, tls or none.";
                }

                break;
            case "acs":
                if (string.IsNullOrWhiteSpace(Acs.ConnectionString) && !Uri.TryCreate(Acs.Endpoint, UriKind.Absolute, out _))
                {
                    yield return "Email__Acs__ConnectionString or Email__Acs__Endpoint is required when Email__Provider is 'acs'.";
                }
                else if (!string.IsNullOrWhiteSpace(Acs.ConnectionString) && !AcsConnectionString.TryParse(Acs.ConnectionString, out _))
                {
                    yield return "Email__Acs__ConnectionString must look like 'endpoint=https://…;accesskey=…'.";
                }

                break;
            default:
                yield return $"Email__Provider ('{Provider}') must be pickup, smtp or acs.";
                break;
        }
    }
}
