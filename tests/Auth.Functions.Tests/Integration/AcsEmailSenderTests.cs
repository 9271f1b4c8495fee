using Auth.Functions.Email;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Tests.Integration;

public sealed class AcsEmailSenderTests
{
    private static AcsEmailSender Sender(string connectionString) => new(
        Options.Create(new EmailOptions
        {
            Provider = "acs",
            From = "DoNotReply@example.azurecomm.net",
            Acs = new EmailOptions.AcsSettings { ConnectionString = connectionString, PollInterval = TimeSpan.FromMilliseconds(50) },
        }),
        TimeProvider.System);

    private static readonly EmailMessage Message = new(
        "reader@example.com", "Reset your password", "plain https://auth.test.example/reset-password?token=t", "<a href=\"https://auth.test.example/reset-password?token=t\">x</a>", Guid.NewGuid());

    [Fact]
    public async Task ItSendsASignedRequestWithTrackingOffAndPollsToSuccess()
    {
        await using var acs = await AcsStandIn.StartAsync();

        await Sender(acs.ConnectionString).SendAsync(Message, CancellationToken.None);

        Assert.Empty(acs.Rejections);
        var send = Assert.Single(acs.Sends);
        Assert.Equal(Message.IdempotencyKey.ToString("D"), send.OperationId);
        Assert.Equal("DoNotReply@example.azurecomm.net", (string?)send.Body["senderAddress"]);
        Assert.Equal("reader@example.com", (string?)send.Body["recipients"]!["to"]![0]!["address"]);
        Assert.Equal(Message.Subject, (string?)send.Body["content"]!["subject"]);
        Assert.Equal(Message.PlainText, (string?)send.Body["content"]!["plainText"]);
        Assert.Equal(Message.Html, (string?)send.Body["content"]!["html"]);
        Assert.True((bool)send.Body["userEngagementTrackingDisabled"]!);
        Assert.Equal(2, acs.Polls.Count); // Running, then Succeeded
    }

    [Fact]
    public async Task ARetriedSendCarriesTheSameOperationId()
    {
        await using var acs = await AcsStandIn.StartAsync();
        acs.FailFirstSends = 1;

        await Sender(acs.ConnectionString).SendAsync(Message, CancellationToken.None);

        Assert.Equal(2, acs.Sends.Count);
        Assert.Single(acs.Sends.Select(s => s.OperationId).Distinct());
    }

    [Theory]
    [InlineData("Failed")]
    [InlineData("Canceled")]
    public async Task AnOperationThatEndsBadlyThrows(string status)
    {
        await using var acs = await AcsStandIn.StartAsync();
        acs.FinalStatus = status;

        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender(acs.ConnectionString).SendAsync(Message, CancellationToken.None));

        Assert.Contains(status, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongAccessKeyIsRefusedAndSurfacesAsAFailure()
    {
        await using var acs = await AcsStandIn.StartAsync();
        var wrongKey = $"endpoint=http://127.0.0.1:{acs.Port}/;accesskey={Convert.ToBase64String(new byte[32])}";

        await Assert.ThrowsAsync<EmailSendException>(() => Sender(wrongKey).SendAsync(Message, CancellationToken.None));

        Assert.Contains("bad signature", acs.Rejections);
        Assert.Empty(acs.Sends);
    }

    [Theory]
    [InlineData("endpoint=https://x.communication.azure.com/;accesskey=c2VjcmV0", true)]
    [InlineData("accesskey=c2VjcmV0", false)]
    [InlineData("endpoint=https://x.communication.azure.com/;accesskey=!!!", false)]
    public void ConnectionStringsAreParsedStrictly(string value, bool valid) =>
        Assert.Equal(valid, AcsConnectionString.TryParse(value, out _));
}
