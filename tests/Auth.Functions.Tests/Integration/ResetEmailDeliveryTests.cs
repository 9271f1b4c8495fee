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
        await app.Mail.WaitForAsync(email);
        await WaitForEmptyQueueAsync(app);
        Assert.Single(app.Mail.Sent, m => m.To == email);
    }

    [Fact]
    public async Task AnotherEmailIsAllowedAfterTheIntervalAndOnlyTheNewestUnusedLinksBothWorkUntilOneIsUsed()
    {
        var clock = AuthApp.NewClock();
        await using var app = await AuthApp.StartAsync(clock);
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var first = await RecoveryTests.ForgotAndReadTokenAsync(app, email);

        clock.Advance(TimeSpan.FromMinutes(2));
        var second = await RecoveryTests.ForgotAndReadTokenAsync(app, email, count: 2);
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token = second, newPassword = NewPassword })).ShouldBe(HttpStatusCode.NoContent);

        // A successful reset kills every other outstanding link of the account.
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token = first, newPassword = "some other passphrase" }))
            .ShouldBeProblem(HttpStatusCode.NotFound, "reset_token_not_found");
    }

    [Fact]
    public async Task TheSameQueueMessageDeliveredTwiceSendsOneEmail()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var worker = app.Services.GetRequiredService<ResetEmailWorker>();
        var message = new ResetRequestMessage(Auth.Functions.Tokens.Keys.NewId(), Auth.Functions.Accounts.EmailAddress.KeyOf(email));

        Assert.Equal("sent", await worker.ProcessAsync(message, CancellationToken.None));
        Assert.Equal("already-sent", await worker.ProcessAsync(message, CancellationToken.None));

        Assert.Single(app.Mail.Sent, m => m.To == email);
    }

    [Fact]
    public async Task ARedeliveryAfterAFailedSendMintsANewLinkAndTheEarlierOneNeverWorks()
    {
        var sender = new FailingSender(failures: 1);
        await using var app = await AuthApp.StartAsync(emailSender: sender);
        var (email, _, _, _) = await app.Api().NewUserAsync();
        var worker = app.Services.GetRequiredService<ResetEmailWorker>();
        var message = new ResetRequestMessage(Auth.Functions.Tokens.Keys.NewId(), Auth.Functions.Accounts.EmailAddress.KeyOf(email));

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

        var poison = PoisonQueue(app);
        Assert.True(await Eventually.TrueAsync(async () => (await poison.PeekMessagesAsync()).Value.Length > 0));
        Assert.Single((await poison.PeekMessagesAsync()).Value);
        Assert.Equal(5, sender.Attempts.Count);
        Assert.Contains(app.Logs.Lines, l => l.EventId == 202 && l.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Equal(5, app.Logs.Lines.Count(l => l.EventId == 201 && l.Level == Microsoft.Extensions.Logging.LogLevel.Error));
        Assert.Empty((await Queue(app).PeekMessagesAsync()).Value);
    }

    private static async Task WaitForEmptyQueueAsync(AuthApp app)
    {
        Assert.True(await Eventually.TrueAsync(async () => (await Queue(app).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0), "the reset queue did not drain");
        await Task.Delay(300); // the last message may still be in flight
    }

    /// <summary>Fails the first <paramref name="failures"/> sends; keeps every attempt.</summary>
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
