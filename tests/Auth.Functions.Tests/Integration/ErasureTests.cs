using System.Net;
using Auth.Functions.Purge;
using Auth.Functions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using static Auth.Functions.Tests.Integration.AdminTestKit;

namespace Auth.Functions.Tests.Integration;

/// <summary>Erasing an account (by its owner or an admin) and exporting it, against Azurite.</summary>
public sealed class ErasureTests
{
    private static Task<PurgeResult> PurgeAsync(AuthApp app) => app.Services.GetRequiredService<PurgeService>().RunAsync(CancellationToken.None);

    /// <summary>Every row stored for the account: its partition, its email-index row, its throttle counters.</summary>
    private static async Task<List<string>> RowsOfAsync(AuthApp app, string userId, string email)
    {
        var rows = new List<string>();
        await foreach (var row in app.Tables.Users.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {userId}"), select: ["RowKey"]))
        {
            rows.Add("users/" + row.RowKey);
        }

        var emailKey = Auth.Functions.Users.EmailAddress.KeyOf(Auth.Functions.Users.EmailAddress.NormalizeLoosely(email));
        var index = await app.Tables.Emails.GetEntityIfExistsAsync<TableEntity>(emailKey, "");
        if (index.HasValue && index.Value!.GetString("UserId") == userId)
        {
            rows.Add("emails/" + emailKey);
        }

        await foreach (var row in app.Tables.Throttles.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"login-" + emailKey}"), select: ["RowKey"]))
        {
            rows.Add("throttles/" + row.RowKey);
        }

        return rows;
    }

    [Fact]
    public async Task TheOwnerErasesTheAccountWithThePasswordAndEverythingOfItGoesAndTheAddressIsFree()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await MfaTestKit.NewEnrolledUserAsync(app);
        var (_, apiKey) = await app.Api(user.Key).CreateApiKeyAsync("ci");
        await app.Api().PostAsync("/api/auth/login", new { email = user.Email, password = "a wrong guess" }); // a throttle counter
        var api = app.Api(user.Key);

        await (await api.SendAsync(HttpMethod.Delete, "/api/auth/account", new { password = "not the password", code = MfaTestKit.CodeNow(app, user.Secret) }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "reauthentication_required");
        await (await api.SendAsync(HttpMethod.Delete, "/api/auth/account", new { password = user.Password }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "reauthentication_required"); // a second factor is on: a code is needed too
        await (await api.SendAsync(HttpMethod.Delete, "/api/auth/account", new { password = user.Password, code = "000000" == MfaTestKit.CodeNow(app, user.Secret) ? "111111" : "000000" }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        Assert.NotEmpty(await RowsOfAsync(app, user.UserId, user.Email));
        // Background email work (the registration's verification link) done first: a row it added after
        // the erasure's sweep would wait for the purge's second sweep (the racing test covers that).
        await app.QuietAsync();

        await (await api.SendAsync(HttpMethod.Delete, "/api/auth/account", new { password = user.Password, code = MfaTestKit.CodeNow(app, user.Secret) })).ShouldBe(HttpStatusCode.NoContent);

        foreach (var key in new[] { user.Key, apiKey })
        {
            await (await app.Api(key).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        }

        Assert.Empty(await RowsOfAsync(app, user.UserId, user.Email));
        await app.Mail.WaitForAsync(user.Email, m => m.Subject == "Your account was deleted");
        await (await app.Api().PostAsync("/api/auth/login", new { email = user.Email, password = user.Password })).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        await app.Api().RegisterAsync(user.Email, "another fine passphrase");
    }

    [Fact]
    public async Task AnAdminErasesAUserAndItIsInTheAuditLog()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, session, userId) = await app.Api().NewUserAsync();
        var admin = app.Api(await AdminKeyAsync(app));
        await app.QuietAsync(); // the registration's verification email written first (see above)

        await (await admin.DeleteAsync("/api/admin/users/" + userId)).ShouldBe(HttpStatusCode.NoContent);

        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Empty(await RowsOfAsync(app, userId, email));
        await (await admin.DeleteAsync("/api/admin/users/" + userId)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        var audit = (await (await admin.GetAsync("/api/admin/audit")).Json())["items"]!.AsArray();
        Assert.Equal(["delete 404", "delete 204"], audit.Select(e => (string)e!["action"]!));
        await app.Api().RegisterAsync(email, "another fine passphrase");
    }

    [Fact]
    public async Task AKeyCreatedDuringTheErasureNeverWorksAndThePurgeLeavesNoRowOfTheAccount()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, password, session, userId) = await app.Api().NewUserAsync();
        var (_, apiKey) = await app.Api(session).CreateApiKeyAsync("creator");

        // A key creation authorised before the erasure, held at its insert until the erasure has answered.
        var held = app.Storage.PauseAt(r => r.Method == "POST" && (r.IsTo("users") || r.IsBatch) && r.Body.Contains("\"Label\":\"racing\"", StringComparison.Ordinal));
        var create = app.Api(apiKey).PostAsync("/api/tokens", new { label = "racing" });
        await held.WaitReachedAsync();
        await (await app.Api(session).SendAsync(HttpMethod.Delete, "/api/auth/account", new { password })).ShouldBe(HttpStatusCode.NoContent);
        held.Release();
        var created = await create;

        // The insert itself is unconditional, so it lands; the key it made never works.
        await created.ShouldBe(HttpStatusCode.Created);
        await (await app.Api((string)(await created.Json())["token"]!["key"]!).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");

        // The late key row (and its event) landed after the erasure swept the partition; the purge sweeps it again.
        Assert.Contains(await RowsOfAsync(app, userId, email), r => r.StartsWith("users/tok-", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromHours(2));
        var purged = await PurgeAsync(app);
        Assert.Equal(1, purged.Erasures);
        Assert.Empty(await RowsOfAsync(app, userId, email));
        await app.Api().RegisterAsync(email, "another fine passphrase");
    }

    [Fact]
    public async Task AnErasureCutOffAfterItsBarrierRefusesEveryKeyFreesTheAddressAndThePurgeFinishesIt()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, password, session, userId) = await app.Api().NewUserAsync();
        var (_, apiKey) = await app.Api(session).CreateApiKeyAsync("ci");

        // Storage stops answering the clean-up's first query: the mark is written, nothing is deleted.
        var fault = app.Storage.FailAt(r => r.IsTo("users") && r.Method == "GET" && !r.IsPointOperation, StorageProbe.Outage);
        var cut = await app.Api(session).SendAsync(HttpMethod.Delete, "/api/auth/account", new { password });
        fault.Stop();

        await cut.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.True((await app.UserAsync(userId)).IsDeleted); // the tombstone
        foreach (var key in new[] { session, apiKey })
        {
            await (await app.Api(key).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        }

        await (await app.Api().PostAsync("/api/auth/login", new { email, password })).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        var again = await app.Api().RegisterAsync(email, "another fine passphrase"); // the address is free at once

        clock.Advance(TimeSpan.FromHours(2));
        var purged = await PurgeAsync(app);
        Assert.Equal(1, purged.Erasures);
        Assert.Empty(await RowsOfAsync(app, userId, email));
        Assert.NotEqual(userId, (string)again["id"]!);
        await app.Api().LoginAsync(email, "another fine passphrase");
    }

    [Fact]
    public async Task TheExportHoldsEverythingButSecretsAndIsLogged()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await MfaTestKit.NewEnrolledUserAsync(app);
        var (apiKeyId, apiKey) = await app.Api(user.Key).CreateApiKeyAsync("build server");

        var response = await app.Api(user.Key).GetAsync("/api/auth/account/export");

        await response.ShouldBe(HttpStatusCode.OK);
        var export = await response.Json();
        Assert.Equal(user.UserId, (string)export["user"]!["id"]!);
        Assert.True((bool)export["user"]!["mfaEnabled"]!);
        Assert.Equal(10, (int)export["secondFactor"]!["recoveryCodesLeft"]!);
        var keys = export["keys"]!.AsArray();
        Assert.Contains(keys, k => (string)k!["id"]! == apiKeyId && (string)k["label"]! == "build server");
        Assert.Contains(keys, k => (bool)k!["current"]!);
        var types = export["events"]!.AsArray().Select(e => (string)e!["type"]!).ToList();
        Assert.Contains("mfa_enabled", types);
        Assert.Contains("key_created", types);
        Assert.Empty(export["passkeys"]!.AsArray());
        var text = export.ToJsonString();
        foreach (var secret in new[] { user.Key, apiKey, user.Password, OtpNet.Base32Encoding.ToString(user.Secret), "argon2", "keyHash", "secret" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.All(user.RecoveryCodes, c => Assert.DoesNotContain(c, text, StringComparison.Ordinal));
        Assert.Contains("account_export", await MfaTestKit.EventTypesAsync(app, user.Key));
    }
}
