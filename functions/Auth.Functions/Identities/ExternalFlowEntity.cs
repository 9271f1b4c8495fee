using Auth.Functions.Storage;

namespace Auth.Functions.Identities;

/// <summary>
/// A sign-in at a provider, begun: PartitionKey = "xfl-" + a random id, RowKey = "xfl-" + its id. Its key
/// is the <c>state</c> sent to the provider (only its hash stored); it holds this sign-in's PKCE verifier
/// and nonce for the provider, and the app's redirect URI and PKCE challenge, so any instance can finish
/// it. Spent with an ETag-guarded delete.
/// </summary>
public sealed class ExternalFlowEntity : TableRow
{
    public const string Prefix = "xfl-";

    public byte[] KeyHash { get; set; } = [];
    public string Provider { get; set; } = "";
    public string RedirectUri { get; set; } = "";

    /// <summary>The app's own PKCE challenge (S256), which its exchange must answer.</summary>
    public string AppCodeChallenge { get; set; } = "";

    /// <summary>This service's PKCE verifier towards the provider.</summary>
    public string Verifier { get; set; } = "";

    public string Nonce { get; set; } = "";

    /// <summary>The signed-in user an explicit link is for (null: a sign-in).</summary>
    public string? LinkUserId { get; set; }

    /// <summary>That user's revocation generation when their key started the link: any revocation since refuses it.</summary>
    public long LinkGeneration { get; set; }

    public DateTimeOffset Expires { get; set; }
}
