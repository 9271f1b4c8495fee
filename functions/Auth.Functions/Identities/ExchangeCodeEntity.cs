using Auth.Functions.Storage;

namespace Auth.Functions.Identities;

/// <summary>
/// The code an external sign-in hands the app: PartitionKey = the user's id, RowKey = "xcd-" + its id;
/// only its hash stored. The app exchanges it with its PKCE verifier, once, within a minute.
/// </summary>
public sealed class ExchangeCodeEntity : TableRow
{
    public const string RowPrefix = "xcd-";

    public byte[] KeyHash { get; set; } = [];
    public string Provider { get; set; } = "";
    public string AppCodeChallenge { get; set; } = "";

    /// <summary>The sign-in created the account.</summary>
    public bool Created { get; set; }

    /// <summary>The user's generation when the provider's answer verified: any revocation since kills the code.</summary>
    public long Generation { get; set; }

    public DateTimeOffset Expires { get; set; }

    /// <summary>
    /// An explicit link waiting for the app's proof: the identity's subject (and email) to link when this
    /// code is exchanged with the right verifier. Linking at the callback would let someone who started a
    /// link with their own key have another person's sign-in at the provider land on their account.
    /// </summary>
    public string? LinkSubject { get; set; }

    public string? LinkEmail { get; set; }
}
