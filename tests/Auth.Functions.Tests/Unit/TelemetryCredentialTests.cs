using Auth.Functions.Hosting;

namespace Auth.Functions.Tests.Unit;

/// <summary>The worker's telemetry exporter signs in as APPLICATIONINSIGHTS_AUTHENTICATION_STRING says.</summary>
public sealed class TelemetryCredentialTests
{
    [Theory]
    [InlineData("ClientId=3f1c6d2e-0000-4000-8000-000000000001;Authorization=AAD")]
    [InlineData("Authorization=aad")]
    public void EntraIdAuthorizationSignsInWithAManagedIdentity(string authentication) =>
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(FunctionsWorker.EntraCredential(authentication));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ClientId=3f1c6d2e-0000-4000-8000-000000000001")]
    [InlineData("Authorization=InstrumentationKey")]
    public void AnythingElseMeansNoCredential(string? authentication) =>
        Assert.Null(FunctionsWorker.EntraCredential(authentication));
}
