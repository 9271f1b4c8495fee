using System.Net;
using System.Text.Json.Nodes;
using Auth.Functions.Email;
using Auth.Functions.Notifications;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Functions.Tests.Integration;

/// <summary>Security notifications: queued with their event, sent once it is stored, once per event.</summary>
public sealed class NotificationTests
{
    private static Func<EmailMessage, bool> Subject(string subject) => m => m.Subject == subject;

    private static async Task<JsonNode> EventAsync(AuthApp app, string key, string type) =>
        (await (await app.Api(key).GetAsync("/api/auth/events?limit=100")).Json())["items"]!.AsArray().First(e => (string?)e!["type"] == type)!;

    [Fact]
    public async Task EachNotifyingChangeIsEmailedToTheAccountWithoutAnySecret()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, password, session, _) = await app.Api().NewUserAsync();
        var (_, apiKey) = await app.Api(session).CreateApiKeyAsync("ci <b>server</b>");
        await (await app.Api().PostAsync("/api/tokens/revoke", new { keys = new[] { apiKey } })).ShouldBe(HttpStatusCode.Accepted);
        await (await app.Api(session).PostAsync("/api/auth/password/change", new { oldPassword = password, newPassword = "a brand new passphrase" })).ShouldBe(HttpStatusCode.NoContent);
        for (var i = 0; i < 5; i++)
        {
            await app.Api().PostAsync("/api/auth/login", new { email, password = "wrong guess " + i });
        }

        var created = await app.Mail.WaitForAsync(email, Subject("A new API key was created"));
        var leaked = await app.Mail.WaitForAsync(email, Subject("One of your keys was reported as exposed and revoked"));
        await app.Mail.WaitForAsync(email, Subject("Your password was changed"));
        await app.Mail.WaitForAsync(email, Subject("Several wrong passwords were tried on your account"));

        // The label is the only text of the user's, and it is escaped in HTML.
        Assert.Contains("ci <b>server</b>", created.PlainText, StringComparison.Ordinal);
        Assert.Contains("ci &lt;b&gt;server&lt;/b&gt;", created.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>server", created.Html, StringComparison.Ordinal);
        Assert.Contains("ci &lt;b&gt;server&lt;/b&gt;", leaked.Html, StringComparison.Ordinal);
        Assert.All(app.Mail.Sent, m =>
        {
            Assert.DoesNotContain(apiKey, m.PlainText + m.Html, StringComparison.Ordinal);
            Assert.DoesNotContain(session, m.PlainText + m.Html, StringComparison.Ordinal);
            Assert.DoesNotContain(password, m.PlainText + m.Html, StringComparison.Ordinal);
        });
        // Logins and a key's own revocation are logged, not emailed (the other email is the registration's verification link).
        Assert.Equal(4, app.Mail.Sent.Count(m => m.To == email && !CapturingEmailSender.IsVerificationEmail(m)));
    }

    [Fact]
    public async Task ARedeliveredMessageSendsNothingMore()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, session, userId) = await app.Api().NewUserAsync();
        await app.Api(session).CreateApiKeyAsync("once");
        await app.Mail.WaitForAsync(email, Subject("A new API key was created"));
        var created = await EventAsync(app, session, "key_created");
        var message = $$"""{"userId":"{{userId}}","eventId":"{{created["id"]}}","at":"{{created["at"]}}"}""";
        var worker = app.Services.GetRequiredService<AccountEmailWorker>();

        // The host delivers at least once: the same message, twice more.
        await worker.HandleAsync(message, CancellationToken.None);
        await worker.HandleAsync(message, CancellationToken.None);

        Assert.Single(app.Mail.Sent, m => m.To == email && m.Subject == "A new API key was created");
    }

    [Fact]
    public async Task AKindSwitchedOffIsNotEmailed()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["Notifications:KeyCreated"] = "false" });
        var (email, _, session, userId) = await app.Api().NewUserAsync();
        await app.Api(session).CreateApiKeyAsync("quiet");
        var created = await EventAsync(app, session, "key_created");

        // Nothing was queued for it, and a message for it anyway sends nothing.
        await app.Services.GetRequiredService<AccountEmailWorker>().HandleAsync(
            $$"""{"userId":"{{userId}}","eventId":"{{created["id"]}}","at":"{{created["at"]}}"}""", CancellationToken.None);

        Assert.DoesNotContain(app.Mail.Sent, m => m.To == email && !CapturingEmailSender.IsVerificationEmail(m));
        Assert.Contains(app.Logs.Lines, l => l.EventId == 1080 && l.Message.Contains("switched off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMessageForAnEventThatIsNotStoredIsRetriedThenDropped()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, _, _, userId) = await app.Api().NewUserAsync();
        var worker = app.Services.GetRequiredService<AccountEmailWorker>();
        const string missing = "2516067423039448875abcd1234";
        string Message(DateTimeOffset at) => $$"""{"userId":"{{userId}}","eventId":"{{missing}}","at":"{{at:O}}"}""";

        // Young: its write may still be landing, so the delivery fails and is retried.
        await Assert.ThrowsAsync<EventNotStoredYetException>(() => worker.HandleAsync(Message(clock.GetUtcNow()), CancellationToken.None));
        // Past the grace: the change it announced never happened; nothing is sent.
        await worker.HandleAsync(Message(clock.GetUtcNow() - AccountEmailWorker.WriteGrace - TimeSpan.FromSeconds(1)), CancellationToken.None);

        Assert.DoesNotContain(app.Mail.Sent, m => m.To == email && !CapturingEmailSender.IsVerificationEmail(m));
    }

    [Fact]
    public async Task AQueueThatFailsNeverFailsTheRequest()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, session, _) = await app.Api().NewUserAsync();
        var outage = app.Storage.FailAt(r => !r.IsTable && r.Method == "POST", StorageProbe.Outage);

        await app.Api(session).CreateApiKeyAsync("made while the queue is down");
        outage.Stop();

        Assert.Equal("key_created", (string?)(await EventAsync(app, session, "key_created"))["type"]);
        Assert.Contains(app.Logs.Lines, l => l.EventId == 1070);
        // No notification (the registration's verification email went out before the outage).
        Assert.DoesNotContain(app.Mail.Sent, m => m.To == email && !CapturingEmailSender.IsVerificationEmail(m));
    }
}
