using System.Net;
using System.Security.Cryptography;
using Auth.Functions.Mfa;
using Auth.Functions.Secrets;
using Auth.Functions.Tests.Infrastructure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection;
using static Auth.Functions.Tests.Integration.MfaTestKit;

namespace Auth.Functions.Tests.Integration;

/// <summary>Where the key that seals TOTP secrets comes from, and its rotation, through the running app.</summary>
public sealed class MfaSecretKeyTests
{
    [Fact]
    public async Task WithAKeyVaultConfiguredTheSecretIsSealedUnderTheVaultsNewestVersion()
    {
        await using var vault = await KeyVaultStandIn.StartAsync();
        var version = vault.AddVersion("auth-keys", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        await using var app = await AuthApp.StartAsync(
            AuthApp.NewClock(),
            new Dictionary<string, string?> { ["SecretKeys:VaultUri"] = vault.Uri.ToString(), ["SecretKeys:SecretName"] = "auth-keys" },
            services: s => s.AddSingleton<SecretClient>(_ => vault.Client()));

        var user = await NewEnrolledUserAsync(app);

        var stored = await app.Services.GetRequiredService<MfaStore>().GetAsync(user.UserId, CancellationToken.None);
        Assert.Equal(version, stored!.SecretKeyId);
        Assert.False(File.Exists(app.SecretKeyFile)); // no local key file was made or used
        await (await CompleteAsync(app, await TicketAsync(app, user), code: CodeNow(app, user.Secret))).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(vault.Requests, r => r.EndsWith("Bearer " + KeyVaultStandIn.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AfterARotationNewEnrolmentsUseTheNewKeyAndOldOnesStillLogIn()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var before = await NewEnrolledUserAsync(app);
        var ring = app.Services.GetRequiredService<SecretKeyRing>();
        var oldKey = ring.Current.Id;

        await File.AppendAllTextAsync(app.SecretKeyFile, $"rotated:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n");
        await ring.LoadAsync(CancellationToken.None); // what the hourly refresh does
        var after = await NewEnrolledUserAsync(app);

        var store = app.Services.GetRequiredService<MfaStore>();
        Assert.Equal(oldKey, (await store.GetAsync(before.UserId, CancellationToken.None))!.SecretKeyId);
        Assert.Equal("rotated", (await store.GetAsync(after.UserId, CancellationToken.None))!.SecretKeyId);
        await (await CompleteAsync(app, await TicketAsync(app, before), code: CodeNow(app, before.Secret))).ShouldBe(HttpStatusCode.OK);
        await (await CompleteAsync(app, await TicketAsync(app, after), code: CodeNow(app, after.Secret))).ShouldBe(HttpStatusCode.OK);
        // Recovery codes made under the old key still work too.
        await (await CompleteAsync(app, await TicketAsync(app, before), recoveryCode: before.RecoveryCodes[0])).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ASecretWhoseKeyIsGoneIsRefusedLikeAWrongCodeNotAnError()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var ticket = await TicketAsync(app, user);
        // The operator removed the key the secret was sealed with (the file now holds another one only).
        await File.WriteAllTextAsync(app.SecretKeyFile, $"other:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n");
        await app.Services.GetRequiredService<SecretKeyRing>().LoadAsync(CancellationToken.None);

        await (await CompleteAsync(app, ticket, code: CodeNow(app, user.Secret))).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
    }
}
