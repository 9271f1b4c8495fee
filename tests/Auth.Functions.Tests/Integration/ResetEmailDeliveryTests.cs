using System.Net;
using Auth.Functions.Email;
using Auth.Functions.Recovery;
using Auth.Functions.Tests.Infrastructure;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;

namespace Auth.Functions.Tests.Integration;

/// <summary>SendResetEmail: limits, redelivery, poison.</summary>
public sealed class ResetEmailDeliveryTests
{
    private const string NewPassword = RecoveryTests.NewPassword;

    [Fact]
    public async Task AHundredForgotRequestsInAMinuteGetTheSame202AndAtMostOneEmail()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => app.Api().PostAsync("/api/auth/password/forgot", new { email })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Single(responses.Select(r => r.Content.ReadAsStringAsync().Result).Distinct());
        // Wait for the worker's verdict on every one of the hundred, not for a quiet moment.
        await WaitForOutcomesAsync(app, 100);
        Assert.Single(app.Mail.ResetEmails, m => m.To == email);
        Assert.Equal(99, Outcomes(app).Count(o => o == "throttled"));
        Assert.Equal(0, (await Queue(app).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task AnotherEmailIsAllowedAfterTheIntervalAndBothLinksWorkUntilOneIsUsed(int used)
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var first = await RecoveryTests.ForgotAndReadTokenAsync(app, email);
        clock.Advance(TimeSpan.FromMinutes(2));
        var second = await RecoveryTests.ForgotAndReadTokenAsync(app, email, count: 2);
        string[] links = [first, second];

        // Both work: each is a live link (looked up as the reset does, without spending it).
        var resets = app.Services.GetRequiredService<ResetTokenStore>();
        foreach (var link in links)
        {
            Assert.Equal(Auth.Functions.Tokens.LinkLookup.Valid, (await resets.FindAsync(link, CancellationToken.None)).Result);
        }

        await (await app.Api().PostAsync("/api/auth/password/reset", new { token = links[used], newPassword = NewPassword })).ShouldBe(HttpStatusCode.NoContent);

        // A successful reset kills every other outstanding link of the account, older or newer.
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token = links[1 - used], newPassword = "some other passphrase" }))
            .ShouldBeProblem(HttpStatusCode.NotFound, "reset_token_not_found");
        await app.Api().LoginAsync(email, NewPassword);
    }

    [Fact]
    public async Task TheSameQueueMessageDeliveredTwiceSendsOneEmail()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var worker = app.Services.GetRequiredService<ResetEmailWorker>();
        var message = new ResetRequestMessage(Auth.Functions.Tokens.Keys.NewId(), Auth.Functions.Users.EmailAddress.KeyOf(email));

        Assert.Equal("sent", await worker.ProcessAsync(message, CancellationToken.None));
        Assert.Equal("already-sent", await worker.ProcessAsync(message, CancellationToken.None));

        Assert.Single(app.Mail.ResetEmails, m => m.To == email);
    }

    [Fact]
    public async Task ARedeliveryAfterAFailedSendMintsANewLinkAndTheEarlierOneNeverWorks()
    {
        var sender = new FailingSender(failures: 1);
        await using var app = await AuthApp.StartAsync(emailSender: sender);
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var worker = app.Services.GetRequiredService<ResetEmailWorker>();
        var message = new ResetRequestMessage(Auth.Functions.Tokens.Keys.NewId(), Auth.Functions.Users.EmailAddress.KeyOf(email));

        await Assert.ThrowsAsync<EmailSendException>(() => worker.ProcessAsync(message, CancellationToken.None));
        Assert.Equal("sent", await worker.ProcessAsync(message, CancellationToken.None));

        var (lost, delivered) = (sender.Attempts[0], sender.Attempts[1]);
        Assert.NotEqual(lost.IdempotencyKey, delivered.IdempotencyKey);
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token = CapturingEmailSender.TokenIn(lost), newPassword = NewPassword }))
            .ShouldBeProblem(HttpStatusCode.NotFound, "reset_token_not_found");
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token = CapturingEmailSender.TokenIn(delivered), newPassword = NewPassword }))
            .ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task AMessageThatAlwaysFailsEndsInThePoisonQueueAfterFiveDeliveries()
    {
        var sender = new FailingSender(failures: int.MaxValue);
        await using var app = await AuthApp.StartAsync(emailSender: sender);
        var (email, _, _, _) = await app.Api().NewUserAsync();

        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);

        // The move is logged once it is done (poison written, original deleted): wait for that event.
        Assert.True(await Eventually.TrueAsync(() => app.Logs.Lines.Any(l => l.EventId == 202)), "the message was never poisoned");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, app.Logs.Lines.Single(l => l.EventId == 202).Level);
        Assert.Single((await PoisonQueue(app).PeekMessagesAsync()).Value);
        Assert.Equal(5, sender.Attempts.Count);
        Assert.Equal(5, app.Logs.Lines.Count(l => l.EventId == 201 && l.Level == Microsoft.Extensions.Logging.LogLevel.Error));
        // The count includes invisible (leased or delayed) messages, which Peek cannot see.
        Assert.Equal(0, (await Queue(app).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"requestId\":\"x\",\"emailKey\":\"not-a-key\"}")]
    [InlineData("null")]
    public async Task AMalformedMessageIsRetriedThenPoisonedNeverDroppedSilently(string body)
    {
        await using var app = await AuthApp.StartAsync();
        await app.Services.GetRequiredService<Auth.Functions.Storage.StorageInitializer>().EnsureReadyAsync(CancellationToken.None);

        await Queue(app).SendMessageAsync(body);

        Assert.True(await Eventually.TrueAsync(() => app.Logs.Lines.Any(l => l.EventId == 202)), "the message was never poisoned");
        var poisoned = Assert.Single((await PoisonQueue(app).PeekMessagesAsync()).Value);
        Assert.Equal(body, poisoned.Body.ToString());
        var failures = app.Logs.Lines.Where(l => l.EventId == 201).ToList();
        Assert.Equal(5, failures.Count);
        Assert.All(failures, f => Assert.Contains(nameof(FormatException), f.Exception, StringComparison.Ordinal));
        Assert.Empty(app.Mail.ResetEmails);
        Assert.Equal(0, (await Queue(app).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task AMessageRedeliveredAfterItsEmailWentOutLeavesAtMostOneUsableLink()
    {
        // The email goes out (the sender keeps it), then the send fails as if the worker died before
        // the message was settled: the queue delivers it again.
        var sender = new FailingSender(failures: 1);
        await using var app = await AuthApp.StartAsync(emailSender: sender);
        var (email, _, _, _) = await app.Api().NewUserAsync();

        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        await WaitForOutcomesAsync(app, 1);

        // Really delivered twice by the queue: one failed delivery, then the one that settled.
        Assert.Single(app.Logs.Lines, l => l.EventId == 201);
        var emails = sender.Attempts;
        Assert.Equal(2, emails.Count);
        var usable = 0;
        foreach (var token in emails.Select(CapturingEmailSender.TokenIn))
        {
            var reset = await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = NewPassword });
            usable += reset.StatusCode == HttpStatusCode.NoContent ? 1 : 0;
        }

        Assert.Equal(1, usable);
    }

    [Fact]
    public async Task AnAccountGetsAtMostThreeEmailsAnHourEvenWithTheIntervalRespected()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, _, _, _) = await app.Api().NewUserAsync();

        for (var i = 1; i <= 4; i++)
        {
            await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
            await WaitForOutcomesAsync(app, i);
            clock.Advance(TimeSpan.FromMinutes(2));
        }

        Assert.Equal(["sent", "sent", "sent", "throttled"], Outcomes(app));
        Assert.Equal(3, app.Mail.ResetEmails.Count(m => m.To == email));

        clock.Advance(TimeSpan.FromHours(1));
        await RecoveryTests.ForgotAndReadTokenAsync(app, email, count: 4);
    }

    [Fact]
    public async Task TheServiceWideCapDefersTheOverflowToTheNextMinuteAndARefusedAccountGivesItsSlotBack()
    {
        var clock = AuthApp.NewClock();
        // Half a second before the minute turns, so the deferred message comes back quickly.
        clock.Advance(TimeSpan.FromSeconds(59.5));
        await using var app = await AuthApp.StartAsync(clock, settings: new Dictionary<string, string?> { ["PasswordReset:MaxPerMinute"] = "2" });
        var a = await app.Api().NewUserAsync();
        var b = await app.Api().NewUserAsync();
        var c = await app.Api().NewUserAsync();

        async Task ForgotAsync(string email, int outcomes)
        {
            await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
            await WaitForOutcomesAsync(app, outcomes);
        }

        await ForgotAsync(a.Email, 1);
        await ForgotAsync(a.Email, 2); // refused for the account: the service-wide slot it took goes back
        await ForgotAsync(b.Email, 3); // so this one still fits in this minute
        await ForgotAsync(c.Email, 4); // and this one is over the cap: deferred, not lost

        Assert.Equal(["sent", "throttled", "sent", "deferred"], Outcomes(app).Take(4));
        Assert.DoesNotContain(app.Mail.ResetEmails, m => m.To == c.Email);

        clock.Advance(TimeSpan.FromSeconds(1));
        await app.Mail.WaitForAsync(c.Email);
        Assert.Equal(3, app.Mail.ResetEmails.Count);
    }

    private static List<string> Outcomes(AuthApp app) =>
        app.Logs.Lines.Where(l => l.EventId == 1040).Select(l => l.State.Split(';').Single(p => p.StartsWith("Outcome=", StringComparison.Ordinal))["Outcome=".Length..]).ToList();

    /// <summary>Waits until the worker has decided on <paramref name="count"/> messages (its outcome log is its last step).</summary>
    private static async Task WaitForOutcomesAsync(AuthApp app, int count) =>
        Assert.True(await Eventually.TrueAsync(() => Outcomes(app).Count >= count),
            $"the worker decided on fewer than {count} messages: {string.Join(", ", Outcomes(app))}");

    /// <summary>Fails the first <paramref name="failures"/> reset-email sends; keeps every attempt. Other emails (the registration's verification link) go through untouched.</summary>
    private sealed class FailingSender(int failures) : IEmailSender
    {
        private readonly List<EmailMessage> _attempts = [];

        public List<EmailMessage> Attempts
        {
            get
            {
                lock (_attempts)
                {
                    return _attempts.ToList();
                }
            }
        }

        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            if (!CapturingEmailSender.IsResetEmail(message))
            {
                return Task.CompletedTask;
            }

            lock (_attempts)
            {
                _attempts.Add(message);
                if (_attempts.Count <= failures)
                {
                    throw new EmailSendException("The provider is down (test).");
                }
            }

            return Task.CompletedTask;
        }
    }

    private static QueueClient Queue(AuthApp app) => app.Services.GetRequiredService<ResetQueue>().Client;

    private static QueueClient PoisonQueue(AuthApp app) =>
        app.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(Queue(app).Name + "-poison");
}
