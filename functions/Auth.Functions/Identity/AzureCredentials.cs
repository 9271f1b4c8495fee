using Azure.Core;
using Azure.Identity;

namespace Auth.Functions.Identity;

/// <summary>
/// How every Azure client of the app signs in (storage, ACS email, telemetry): the Functions
/// convention of <c>credential=managedidentity</c> plus an optional <c>clientId</c>.
/// </summary>
public static class AzureCredentials
{
    public const string ManagedIdentity = "managedidentity";

    /// <summary>A managed identity (user-assigned when <paramref name="clientId"/> is set), or <see cref="DefaultAzureCredential"/> for anything else.</summary>
    public static TokenCredential Create(string? kind, string? clientId) =>
        string.Equals(kind, ManagedIdentity, StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(clientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
}
