using System.Net;
using Auth.Functions.Tests.Infrastructure;
using static Auth.Functions.Tests.Integration.AdminTestKit;

namespace Auth.Functions.Tests.Integration;

/// <summary>Admin keys, the admin API and disabling accounts, against Azurite.</summary>
public sealed class AdminTests
{
    private static readonly Dictionary<string, string?> RoomToHash = new() { ["PasswordHashing:MaxConcurrency"] = "8" };

    [Fact]
    public async Task TheExecutableMintsListsAndRevokesAdminKeysAndOnlyTheirHashIsStored()
    {
        await using var app = await AuthApp.StartAsync();

        var (exit, output, errors) = await CliAsync(app, "create-key", "--label", "ops");
        Assert.Equal(0, exit);
        var key = output.Trim();
        Assert.Matches("^afs_admin_[A-Za-z0-9_-]+$", key);
        Assert.Contains("shown this once", errors, StringComparison.Ordinal);
        await (await app.Api(key).GetAsync("/api/admin/users")).ShouldBe(HttpStatusCode.OK);

        var (_, listed, _) = await CliAsync(app, "list-keys");
        var line = Assert.Single(listed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("ops", line.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("afs_admin_", listed, StringComparison.Ordinal);
        var id = line.Split(' ')[0];
        await foreach (var row in app.Tables.Users.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == Auth.Functions.Tokens.AdminKeyStore.Partition))
        {
            Assert.DoesNotContain(row, p => p.Value is string s && s.Contains("afs_admin_", StringComparison.Ordinal));
        }

        Assert.Equal(0, (await CliAsync(app, "revoke-key", id)).Exit);
        await (await app.Api(key).GetAsync("/api/admin/users")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(1, (await CliAsync(app, "revoke-key", id)).Exit);
        Assert.Equal(2, (await CliAsync(app, "create-key")).Exit);
        Assert.Equal(2, (await CliAsync(app, "revoke-key", "not-an-id")).Exit);
        Assert.Equal(2, (await CliAsync(app, "launch-missiles")).Exit);
    }

    [Fact]
    public async Task AUserKeyOnTheAdminApiAndAnAdminKeyOnAUserEndpointAreForbidden()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var admin = await AdminKeyAsync(app);

        await (await app.Api(session).GetAsync("/api/admin/users")).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await app.Api(admin).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await app.Api(admin).PostAsync("/api/tokens", new { label = "x" })).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        // Dead or junk keys of either kind are the ordinary 401.
        await (await app.Api(admin + "x").GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api("afs_sess_junk").GetAsync("/api/admin/users")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api().GetAsync("/api/admin/users")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ALeakedAdminKeyReportedIsRevoked()
    {
        await using var app = await AuthApp.StartAsync();
        var admin = await AdminKeyAsync(app);

        await (await app.Api().PostAsync("/api/tokens/revoke", new { keys = new[] { admin } })).ShouldBe(HttpStatusCode.Accepted);

        await (await app.Api(admin).GetAsync("/api/admin/users")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task DisablingRefusesEveryKeyAtOnceAndTheRightPasswordGets403WhileAWrongOneGetsTheOrdinary401()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (email, password, session, userId) = await app.Api().NewUserAsync();
        var (_, apiKey) = await app.Api(session).CreateApiKeyAsync();
        await (await app.Api(session).DeleteAsync("/api/tokens?keep=current")).ShouldBe(HttpStatusCode.NoContent); // a kept key, too
        var admin = app.Api(await AdminKeyAsync(app));

        await (await admin.PostAsync($"/api/admin/users/{userId}/disable", new { reason = "chargeback" })).ShouldBe(HttpStatusCode.NoContent);

        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(apiKey).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api().PostAsync("/api/auth/login", new { email, password })).ShouldBeProblem(HttpStatusCode.Forbidden, "account_disabled");
        await (await app.Api().PostAsync("/api/auth/login", new { email, password = "not the password" })).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        var user = await (await admin.GetAsync($"/api/admin/users/{userId}")).Json();
        Assert.True((bool)user["user"]!["disabled"]!);
        Assert.Equal("chargeback", (string)user["user"]!["disabledReason"]!);

        await (await admin.PostAsync($"/api/admin/users/{userId}/enable", null)).ShouldBe(HttpStatusCode.NoContent);
        var fresh = await app.Api().LoginAsync(email, password);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized"); // old keys stay dead
        var types = await MfaTestKit.EventTypesAsync(app, fresh);
        Assert.Contains("account_disabled", types);
        Assert.Contains("account_enabled", types);
        Assert.Null((string?)(await (await admin.GetAsync($"/api/admin/users/{userId}")).Json())["user"]!["disabledReason"]);
    }

    [Fact]
    public async Task ALoginThatCheckedThePasswordBeforeADisableAnsweredMintsAKeyThatIsAlreadyDead()
    {
        await using var app = await AuthApp.StartAsync(settings: RoomToHash);
        var (email, password, _, userId) = await app.Api().NewUserAsync();
        var admin = app.Api(await AdminKeyAsync(app));

        var held = app.Hasher.PauseAfterNextVerification();
        var login = app.Api().PostAsync("/api/auth/login", new { email, password });
        await held.WaitReachedAsync(); // the password is verified; the session is not written yet
        await (await admin.PostAsync($"/api/admin/users/{userId}/disable", new { })).ShouldBe(HttpStatusCode.NoContent);
        held.Release();
        var late = await login;

        await late.ShouldBe(HttpStatusCode.OK);
        await (await app.Api((string)(await late.Json())["token"]!["key"]!).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task AKeyCreatedByARequestAuthorisedBeforeADisableAnsweredIsDead()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, userId) = await app.Api().NewUserAsync();
        var admin = app.Api(await AdminKeyAsync(app));

        var held = app.Storage.PauseAt(r => r.Method == "POST" && (r.IsTo("users") || r.IsBatch) && r.Body.Contains("\"Type\":\"api\"", StringComparison.Ordinal));
        var create = app.Api(session).PostAsync("/api/tokens", new { label = "racing" });
        await held.WaitReachedAsync();
        await (await admin.PostAsync($"/api/admin/users/{userId}/disable", new { })).ShouldBe(HttpStatusCode.NoContent);
        held.Release();
        var created = await create;

        await created.ShouldBe(HttpStatusCode.Created);
        await (await app.Api((string)(await created.Json())["token"]!["key"]!).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ASecondFactorTicketIssuedBeforeADisableIsRefused()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await MfaTestKit.NewEnrolledUserAsync(app);
        var ticket = await MfaTestKit.TicketAsync(app, user);
        var admin = app.Api(await AdminKeyAsync(app));

        await (await admin.PostAsync($"/api/admin/users/{user.UserId}/disable", new { })).ShouldBe(HttpStatusCode.NoContent);

        await (await MfaTestKit.CompleteAsync(app, ticket, code: MfaTestKit.CodeNow(app, user.Secret))).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
    }

    [Fact]
    public async Task AnAdminRemovesASecondFactorForSomeoneWhoLostTheDevice()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await MfaTestKit.NewEnrolledUserAsync(app);
        var admin = app.Api(await AdminKeyAsync(app));

        await (await admin.DeleteAsync($"/api/admin/users/{user.UserId}/mfa")).ShouldBe(HttpStatusCode.NoContent);
        await (await admin.DeleteAsync($"/api/admin/users/{user.UserId}/mfa")).ShouldBe(HttpStatusCode.NoContent); // idempotent

        var session = await app.Api().LoginAsync(user.Email, user.Password);
        var types = await MfaTestKit.EventTypesAsync(app, session);
        Assert.Contains("mfa_disabled", types);
        Assert.Contains("admin_action", types);
        await app.Mail.WaitForAsync(user.Email, m => m.Subject == "Two-step sign-in was turned off");
    }

    [Fact]
    public async Task UsersAreListedAPageAtATimeAndFoundByExactEmail()
    {
        await using var app = await AuthApp.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((string)(await app.Api().RegisterAsync($"listed{i}@example.com", "a perfectly fine passphrase"))["id"]!);
        }

        var admin = app.Api(await AdminKeyAsync(app));
        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await (await admin.GetAsync("/api/admin/users?limit=2" + (next is null ? "" : "&before=" + Uri.EscapeDataString(next)))).Json();
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 2);
            seen.AddRange(items.Select(u => (string)u!["id"]!));
            next = (string?)page["next"];
            pages++;
        }
        while (next is not null && pages < 10);

        Assert.Equal(ids.Order(), seen.Order());
        var found = await (await admin.GetAsync("/api/admin/users?email=" + Uri.EscapeDataString(" Listed3@EXAMPLE.com "))).Json();
        Assert.Equal(ids[3], (string)Assert.Single(found["items"]!.AsArray())!["id"]!);
        Assert.Empty((await (await admin.GetAsync("/api/admin/users?email=nobody@example.com")).Json())["items"]!.AsArray());
        await (await admin.GetAsync("/api/admin/users?limit=0")).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.GetAsync("/api/admin/users?before=not-a-cursor")).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.GetAsync("/api/admin/users?email=not-an-email")).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task EveryAdminCallIsInTheAuditLogAndTheUsersLog()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, _, userId) = await app.Api().NewUserAsync();
        var key = await AdminKeyAsync(app);
        var admin = app.Api(key);
        var keyId = (await CliAsync(app, "list-keys")).Output.Split(' ')[0];

        await (await admin.GetAsync($"/api/admin/users/{userId}")).ShouldBe(HttpStatusCode.OK);
        await (await admin.PostAsync($"/api/admin/users/{userId}/password-reset", null)).ShouldBe(HttpStatusCode.Accepted);
        await (await admin.PostAsync($"/api/admin/users/{userId}/revoke-keys", null)).ShouldBe(HttpStatusCode.NoContent);
        await (await admin.GetAsync("/api/admin/users/00000000000000000000000000000001")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await app.Mail.WaitForAsync(email); // the ordinary reset email

        var audit = (await (await admin.GetAsync("/api/admin/audit")).Json())["items"]!.AsArray();
        Assert.Equal(["get-user 404", "revoke-keys 204", "password-reset 202", "get-user 200"], audit.Select(e => (string)e!["action"]!));
        Assert.All(audit, e => Assert.Equal(keyId, (string)e!["adminKeyId"]!));
        Assert.Equal(userId, (string)audit[1]!["userId"]!);
        Assert.Equal("00000000000000000000000000000001", (string)audit[0]!["userId"]!); // the id asked about, whether or not it exists

        var session = await app.Api().LoginAsync(email, password);
        var events = (await (await app.Api(session).GetAsync("/api/auth/events")).Json())["items"]!.AsArray();
        Assert.Contains(events, e => (string)e!["type"]! == "admin_action" && (string)e["label"]! == "password-reset" && (string)e["tokenId"]! == keyId);
        Assert.Contains(events, e => (string)e!["type"]! == "keys_revoked_all" && (string)e["tokenId"]! == keyId);
        var userEvents = (await (await admin.GetAsync($"/api/admin/users/{userId}/events?limit=100")).Json())["items"]!.AsArray();
        Assert.Equal(events.Count, userEvents.Count);
    }
}
