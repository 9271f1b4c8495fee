using System.Net;
using Auth.Functions.Purge;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Functions.Tests.Integration;

/// <summary>
/// An address cannot be squatted: a look-alike form is refused, and an account whose address is
/// never verified is erased by the purge, which frees the address. Any password change kills reset links.
/// </summary>
public sealed class AccountHygieneTests
{
    private const string Password = "correct horse battery";

    private static Task<PurgeResult> PurgeAsync(AuthApp app) => app.Services.GetRequiredService<PurgeService>().RunAsync(CancellationToken.None);

    [Fact]
    public async Task ALigatureAddressCannotTakeThePlaceOfThePlainOne()
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();

        var squat = await api.PostAsync("/api/auth/register", new { email = "\uFB01nance@corp.example", password = Password });
        var problem = await squat.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("plain form", (string)problem["errors"]!["email"]![0]!, StringComparison.Ordinal);

        await api.RegisterAsync("finance@corp.example", Password);
        // Lower-case non-ASCII in its composed form is an address like any other.
        await api.RegisterAsync("jos\u00e9@corp.example", Password);
    }

    [Fact]
    public async Task AnAccountNeverVerifiedIsErasedAfterItsLifetimeAndItsAddressRegistersAgain()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock, new Dictionary<string, string?> { ["Accounts:RequireVerifiedEmail"] = "true" });
        var api = app.Api();
        var squatter = await api.RegisterAsync("victim@corp.example", Password);
        var kept = await api.RegisterAsync("owner@corp.example", Password);
        var link = CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync("owner@corp.example", CapturingEmailSender.IsVerificationEmail));
        await (await api.PostAsync("/api/auth/email/verify", new { token = link })).ShouldBe(HttpStatusCode.NoContent);
        await app.QuietAsync();

        // Six days on: not yet.
        clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, (await PurgeAsync(app)).UnverifiedAccounts);
        await (await api.PostAsync("/api/auth/register", new { email = "victim@corp.example", password = Password })).ShouldBeProblem(HttpStatusCode.Conflict, "email_taken");

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(2));
        var result = await PurgeAsync(app);

        Assert.Equal(1, result.UnverifiedAccounts);
        var rows = new List<string>();
        await foreach (var row in app.Tables.Users.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == (string)squatter["id"]!))
        {
            rows.Add(row.RowKey);
        }

        Assert.Empty(rows); // the user row and every row of its partition (its verification link, its events)
        await app.UserAsync((string)kept["id"]!); // the verified account stays
        var again = await api.RegisterAsync("victim@corp.example", Password);
        Assert.NotEqual((string)squatter["id"]!, (string)again["id"]!);
    }

    [Fact]
    public async Task WhileVerificationIsNotRequiredNoAccountIsErased()
    {
        var clock = AuthApp.NewClock();
        // Registered while verification was required (so indexed for erasure), then verification turned off.
        await using var strict = await AuthApp.StartAsync(clock, new Dictionary<string, string?> { ["Accounts:RequireVerifiedEmail"] = "true" });
        var user = await strict.Api().RegisterAsync("relaxed@corp.example", Password);
        await strict.QuietAsync();
        await using var app = await AuthApp.StartAsync(clock, new Dictionary<string, string?>
        {
            ["Accounts:RequireVerifiedEmail"] = "false",
            ["Storage:TablePrefix"] = strict.TablePrefix,
        });
        var indexed = new List<string>();
        await foreach (var row in app.Tables.Expiry.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            indexed.Add(row.RowKey);
        }

        Assert.Contains(indexed, r => r.StartsWith("unv_", StringComparison.Ordinal));

        clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, (await PurgeAsync(app)).UnverifiedAccounts);

        Assert.False((await app.UserAsync((string)user["id"]!)).IsEmailVerified);
        await app.Api().LoginAsync("relaxed@corp.example", Password);

        // Registered while it is off: not even indexed.
        await app.Api().RegisterAsync("never-indexed@corp.example", Password);
        var rows = 0;
        await foreach (var row in app.Tables.Expiry.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.RowKey.CompareTo("unv_") >= 0 && e.RowKey.CompareTo("unv`") < 0))
        {
            rows++;
        }

        Assert.Equal(0, rows); // the purge dropped the first one's row; the second one never had one
    }

    [Fact]
    public async Task AVerificationThatLandsWhileThePurgeErasesKeepsTheAccount()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock, new Dictionary<string, string?>
        {
            ["Accounts:RequireVerifiedEmail"] = "true",
            ["EmailVerification:TokenLifetime"] = "10.00:00:00", // the link outlives the account's deadline
        });
        var api = app.Api();
        var user = await api.RegisterAsync("late@corp.example", Password);
        var token = CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync("late@corp.example", CapturingEmailSender.IsVerificationEmail));
        await app.QuietAsync();
        clock.Advance(TimeSpan.FromDays(8));

        // Held at the erasure's first write (the user row's guarded delete) while the owner verifies.
        var held = app.Storage.PauseAt(r => r.Method == "DELETE" && r.IsTo("users") && r.RowKey == "user");
        var run = PurgeAsync(app);
        await held.WaitReachedAsync();
        await (await api.PostAsync("/api/auth/email/verify", new { token })).ShouldBe(HttpStatusCode.NoContent);
        held.Release();

        Assert.Equal(0, (await run).UnverifiedAccounts);
        Assert.True((await app.UserAsync((string)user["id"]!)).IsEmailVerified);
        await api.LoginAsync("late@corp.example", Password);
    }

    [Fact]
    public async Task APasswordChangeWithoutResetTokensStillKillsOutstandingResetLinks()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var token = await RecoveryTests.ForgotAndReadTokenAsync(app, email);

        clock.Advance(TimeSpan.FromSeconds(1));
        await (await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = "a changed passphrase" }))
            .ShouldBe(HttpStatusCode.NoContent);

        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "an attacker's passphrase" }))
            .ShouldBeProblem(HttpStatusCode.NotFound, "reset_token_not_found");
        await app.Api().LoginAsync(email, "a changed passphrase");
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK); // the change itself kept the caller's key
    }
}
