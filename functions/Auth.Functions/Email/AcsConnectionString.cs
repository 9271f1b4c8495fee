namespace Auth.Functions.Email;

/// <summary>An ACS resource's connection string: <c>endpoint=https://…;accesskey=…</c>.</summary>
public sealed record AcsConnectionString(Uri Endpoint, byte[] AccessKey)
{
    public static bool TryParse(string? value, out AcsConnectionString parsed)
    {
        parsed = null!;
        string? endpoint = null, key = null;
        foreach (var part in (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }

            if (pair[0].Equals("endpoint", StringComparison.OrdinalIgnoreCase))
            {
                endpoint = pair[1];
            }
            else if (pair[0].Equals("accesskey", StringComparison.OrdinalIgnoreCase))
            {
                key = pair[1];
            }
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || key is null)
        {
            return false;
        }

        var bytes = new byte[key.Length];
        if (!Convert.TryFromBase64String(key, bytes, out var written) || written == 0)
        {
            return false;
        }

        parsed = new AcsConnectionString(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), bytes[..written]);
        return true;
    }
}
