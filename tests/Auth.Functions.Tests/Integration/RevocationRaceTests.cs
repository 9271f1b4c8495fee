using System.Net;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>
/// Revocation is a barrier (README, "Security"). Each race is forced, not hoped for: the
/// request that was authorised before the revocation is held at the exact point between its check
/// and its write while the revocation runs and answers, then let go.
/// </summary>
public sealed class RevocationRaceTests
{
    private static readonly Dictionary<string, string?> RoomToHash = new()
    {
        // A held verification keeps its hashing slot: leave room for the revocation's own hashing.
        ["PasswordHashing:MaxConcurrency"] = "8",
    };

    // A key is inserted in one transaction with its key_created event.
    private static bool ApiKeyInsert(StorageRequest r) =>
        r.Method == "POST" && (r.IsTo("users") || r.IsBatch) && r.Body.Contains("\"Type\":\"api\"", StringComparison.Ordinal);

    private static async Task<string> ResetTokenAsync(AuthApp app, string email)
    {
        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        return CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(email));
    }

    [Fact]
    public async Task ALoginThatCheckedTheOldPasswordBeforeAResetAnsweredMintsAKeyThatIsAlreadyDead()
    {
        await using var app = await AuthApp.StartAsync(settings: RoomToHash);
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var token = await ResetTokenAsync(app, email);

        var held = app.Hasher.PauseAfterNextVerification();
        var login = app.Api().PostAsync("/api/auth/login", new { email, password });
        await held.WaitReachedAsync(); // the old password is verified; the session is not written yet

        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "the brand new passphrase" })).ShouldBe(HttpStatusCode.NoContent);
        held.Release();
        var late = await login;

        await late.ShouldBe(HttpStatusCode.OK);
        var lateKey = (string)(await late.Json())["token"]!["key"]!;
        await (await app.Api(lateKey).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await app.Api().LoginAsync(email, "the brand new passphrase");
    }

    [Fact]
    public async Task ALoginThatCheckedTheOldPasswordBeforeAChangeWithResetTokensMintsAKeyThatIsAlreadyDead()
    {
        await using var app = await AuthApp.StartAsync(settings: RoomToHash);
        var (email, password, session, _) = await app.Api().NewUserAsync();

        var held = app.Hasher.PauseAfterNextVerification();
        var login = app.Api().PostAsync("/api/auth/login", new { email, password });
        await held.WaitReachedAsync();

        await (await app.Api(session).PostAsync("/api/auth/password/change",
            new { oldPassword = password, newPassword = "the brand new passphrase", resetTokens = true })).ShouldBe(HttpStatusCode.NoContent);
        held.Release();
        var late = await login;

        await late.ShouldBe(HttpStatusCode.OK);
        var lateKey = (string)(await late.Json())["token"]!["key"]!;
        await (await app.Api(lateKey).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        // The caller's own key is kept, and only it.
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        var listed = (await (await app.Api(session).GetAsync("/api/tokens")).Json())["items"]!.AsArray();
        Assert.True((bool)Assert.Single(listed)!["current"]!);
    }

    [Fact]
    public async Task AKeyCreatedWithAKeyThatRevokeAllThenRevokedIsDeadWhenRevokeAllHasAnswered()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var (_, older) = await app.Api(session).CreateApiKeyAsync("older");

        var held = app.Storage.PauseAt(ApiKeyInsert);
        var create = app.Api(session).PostAsync("/api/tokens", new { label = "racing" });
        await held.WaitReachedAsync(); // the session was validated; the new key is not written yet

        await (await app.Api(session).DeleteAsync("/api/tokens")).ShouldBe(HttpStatusCode.NoContent);
        held.Release();
        var created = await create;

        await created.ShouldBe(HttpStatusCode.Created);
        var racing = (string)(await created.Json())["token"]!["key"]!;
        foreach (var key in new[] { racing, older, session })
        {
            await (await app.Api(key).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    [Fact]
    public async Task AKeyCreatedDuringAChangeWithResetTokensIsDeadWhenTheChangeHasAnsweredAndTheCallerKeepsItsKey()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, password, session, _) = await app.Api().NewUserAsync();
        var (_, changer) = await app.Api(session).CreateApiKeyAsync("changer");

        var held = app.Storage.PauseAt(ApiKeyInsert);
        var create = app.Api(session).PostAsync("/api/tokens", new { label = "racing" });
        await held.WaitReachedAsync();

        await (await app.Api(changer).PostAsync("/api/auth/password/change",
            new { oldPassword = password, newPassword = "the brand new passphrase", resetTokens = true })).ShouldBe(HttpStatusCode.NoContent);
        held.Release();
        var created = await create;

        await created.ShouldBe(HttpStatusCode.Created);
        var racing = (string)(await created.Json())["token"]!["key"]!;
        await (await app.Api(racing).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(changer).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        // And the kept key goes on working normally: what it creates now lives.
        var (_, after) = await app.Api(changer).CreateApiKeyAsync("after");
        await (await app.Api(after).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AKeyCreatedAfterRevokeAllAnsweredLivesAndSoDoesOneCreatedWithTheKeptKey()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var (_, kept) = await app.Api(session).CreateApiKeyAsync("kept");

        await (await app.Api(kept).DeleteAsync("/api/tokens?keep=current")).ShouldBe(HttpStatusCode.NoContent);
        await (await app.Api(kept).DeleteAsync("/api/tokens?keep=current")).ShouldBe(HttpStatusCode.NoContent);
        var (_, fresh) = await app.Api(kept).CreateApiKeyAsync("fresh");

        await (await app.Api(kept).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        await (await app.Api(fresh).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");

        // A later revoke-all by another key does not keep the first one's kept key.
        await (await app.Api(fresh).DeleteAsync("/api/tokens?keep=current")).ShouldBe(HttpStatusCode.NoContent);
        await (await app.Api(kept).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(fresh).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task LogoutEndsThePresentedKeyOnlyNotTheKeysItCreated()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var (_, created) = await app.Api(session).CreateApiKeyAsync();

        await (await app.Api(session).PostAsync("/api/auth/logout", null)).ShouldBe(HttpStatusCode.NoContent);

        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api(created).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AResetWhoseHashingIsRefusedLeavesTheTokenUsable()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["PasswordHashing:MaxConcurrency"] = "1",
            ["PasswordHashing:QueueTimeout"] = "00:00:00.200",
        });
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var token = await ResetTokenAsync(app, email);

        // The only hashing slot is held by a login, so the reset's hash is refused.
        var held = app.Hasher.PauseAfterNextVerification();
        var login = app.Api().PostAsync("/api/auth/login", new { email, password });
        await held.WaitReachedAsync();
        var busy = await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "the brand new passphrase" });
        held.Release();
        await (await login).ShouldBe(HttpStatusCode.OK);

        await busy.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "the brand new passphrase" })).ShouldBe(HttpStatusCode.NoContent);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await app.Api().LoginAsync(email, "the brand new passphrase");
    }

    [Fact]
    public async Task AResetWhoseWriteFailsChangesNothingAndItsTokenStillWorks()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var token = await ResetTokenAsync(app, email);

        // Spending the token and setting the password are one transaction: fail it, every retry.
        var failed = app.Storage.FailAt(r => r.IsBatch && r.Body.Contains("\"State\":\"used\"", StringComparison.Ordinal), StorageProbe.Outage);
        var outage = await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "the brand new passphrase" });
        failed.Stop();

        Assert.True(failed.Arrivals > 0);
        await outage.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        // Never a spent token with the old password working: here nothing was spent, nothing changed.
        await app.Api().LoginAsync(email, password);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);

        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "the brand new passphrase" })).ShouldBe(HttpStatusCode.NoContent);
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.Api().PostAsync("/api/auth/login", new { email, password })).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }
}
