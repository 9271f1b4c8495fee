using System.Net;
using Auth.Functions.Email;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Auth.Functions.Tests.Integration;

public sealed class EmailSenderTests
{
    private static EmailMessage Sample(string to = "reader@example.com") => new(
        to, "Reset your password", "Open https://auth.test.example/reset-password?token=abc", "<p><a href=\"https://auth.test.example/reset-password?token=abc\">Reset</a></p>", Guid.NewGuid());

    [Fact]
    public async Task ThePickupSenderWritesOneCompleteEmlFilePerEmail()
    {
        var folder = Directory.CreateTempSubdirectory("pickup-").FullName;
        var sender = new PickupDirectorySender(Options.Create(new EmailOptions { PickupDirectory = folder, From = "auth@example.com" }), new FakeTimeProvider());

        await sender.SendAsync(Sample(), CancellationToken.None);
        await sender.SendAsync(Sample("second@example.com"), CancellationToken.None);

        var files = Directory.GetFiles(folder);
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.EndsWith(".eml", f, StringComparison.Ordinal));
        var message = await MimeMessage.LoadAsync(files.Order().First());
        Assert.Equal("Reset your password", message.Subject);
        Assert.Equal("auth@example.com", message.From.Mailboxes.Single().Address);
        Assert.Contains("token=abc", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<a href=", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheVerificationAndResetFlowsOverARealSmtpServerDeliverWorkingLinks()
    {
        await using var maildev = await MailDev.StartAsync();
        await using var app = await AuthApp.StartAsync(emailSender: AuthApp.ConfiguredSender, settings: new Dictionary<string, string?>
        {
            ["Email:Provider"] = "smtp",
            ["Email:From"] = "auth@example.com",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = maildev.SmtpPort.ToString(),
            ["Email:Smtp:Security"] = "none",
            ["Email:Smtp:Username"] = MailDev.User,
            ["Email:Smtp:Password"] = MailDev.Password,
        });
        var (email, _, _, _) = await app.Api().NewUserAsync();

        async Task<string> TokenAsync(string subject, string page)
        {
            var received = await maildev.WaitForMessageToAsync(email, subject);
            Assert.Equal("auth@example.com", (string?)received["from"]![0]!["address"]);
            var link = System.Text.RegularExpressions.Regex.Match((string)received["text"]!, @"https://\S+").Value;
            Assert.StartsWith($"{AuthApp.PublicBaseUrl}/{page}#token=", link, StringComparison.Ordinal);
            Assert.Contains(link, (string)received["html"]!, StringComparison.Ordinal);
            return Uri.UnescapeDataString(link.Split("token=")[1]);
        }

        var verification = await TokenAsync("Verify your email address", "verify-email");
        await (await app.Api().PostAsync("/api/auth/email/verify", new { token = verification })).ShouldBe(HttpStatusCode.NoContent);

        await (await app.Api().PostAsync("/api/auth/password/forgot", new { email })).ShouldBe(HttpStatusCode.Accepted);
        var token = await TokenAsync("Reset your password", "reset-password");
        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = "delivered by smtp for real" })).ShouldBe(HttpStatusCode.NoContent);
        await app.Api().LoginAsync(email, "delivered by smtp for real");
    }

    [Fact]
    public async Task TheSmtpSenderFailsWhenTheServerRefusesItsCredentials()
    {
        await using var maildev = await MailDev.StartAsync();
        var sender = new SmtpEmailSender(Options.Create(new EmailOptions
        {
            Provider = "smtp",
            From = "auth@example.com",
            Smtp = new EmailOptions.SmtpSettings { Host = "127.0.0.1", Port = maildev.SmtpPort, Security = "none", Username = MailDev.User, Password = "wrong" },
        }));

        await Assert.ThrowsAnyAsync<MailKit.Security.AuthenticationException>(() => sender.SendAsync(Sample(), CancellationToken.None));
        Assert.Empty(await maildev.MessagesAsync());
    }

    [Fact]
    public async Task ByDefaultTheSmtpSenderSendsNothingToAServerThatOffersNoStartTls()
    {
        // maildev offers no STARTTLS, as a server whose offer a network attacker stripped would look.
        await using var maildev = await MailDev.StartAsync();
        var settings = new EmailOptions.SmtpSettings { Host = "127.0.0.1", Port = maildev.SmtpPort, Username = MailDev.User, Password = MailDev.Password };
        Assert.Equal("starttls", settings.Security);
        var sender = new SmtpEmailSender(Options.Create(new EmailOptions { Provider = "smtp", From = "auth@example.com", Smtp = settings }));

        await Assert.ThrowsAnyAsync<NotSupportedException>(() => sender.SendAsync(Sample(), CancellationToken.None));
        Assert.Empty(await maildev.MessagesAsync());
    }
}
