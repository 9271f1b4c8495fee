using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Auth.Functions.Mfa;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Auth.Functions.Tests.Integration.MfaTestKit;

namespace Auth.Functions.Tests.Integration;

/// <summary>TOTP with recovery codes, end to end through the API against Azurite, on a fake clock.</summary>
public sealed class MfaTests
{
    [Fact]
    public async Task EnrolmentGivesASecretItsUriAndAQrCodeAndOnlyTheConfirmingCodeTurnsItOn()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock(), new Dictionary<string, string?> { ["Mfa:Issuer"] = "Acme & Co" });
        var (email, password, key, _) = await app.Api().NewUserAsync("enrol+me@example.com");
        var api = app.Api(key);

        await (await api.PostAsync("/api/auth/mfa/totp", new { password = "not my password" })).ShouldBeProblem(HttpStatusCode.Unauthorized, "reauthentication_required");
        await (await api.PostAsync("/api/auth/mfa/totp", new { })).ShouldBeProblem(HttpStatusCode.Unauthorized, "reauthentication_required");
        await (await api.PostAsync("/api/auth/mfa/totp/confirm", new { code = "123456" })).ShouldBeProblem(HttpStatusCode.Conflict, "mfa_not_enabled");

        var begun = await api.PostAsync("/api/auth/mfa/totp", new { password });
        await begun.ShouldBe(HttpStatusCode.OK);
        var body = await begun.Json();
        var base32 = (string)body["secret"]!;
        var secret = OtpNet.Base32Encoding.ToBytes(base32);
        Assert.Equal(20, secret.Length); // 160 bits
        Assert.Matches("^[A-Z2-7]{32}$", base32);
        var uri = new Uri((string)body["otpauthUri"]!);
        Assert.Equal("otpauth", uri.Scheme);
        Assert.Equal("totp", uri.Host);
        Assert.Equal("/Acme%20%26%20Co:enrol%2Bme%40example.com", uri.AbsolutePath);
        Assert.Contains($"secret={base32}", uri.Query, StringComparison.Ordinal);
        Assert.Contains("issuer=Acme%20%26%20Co", uri.Query, StringComparison.Ordinal);
        Assert.Contains("algorithm=SHA1", uri.Query, StringComparison.Ordinal);
        Assert.Contains("digits=6", uri.Query, StringComparison.Ordinal);
        Assert.Contains("period=30", uri.Query, StringComparison.Ordinal);
        var svg = (string)body["qrSvg"]!;
        Assert.StartsWith("<svg", svg.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("viewBox", svg, StringComparison.Ordinal);

        // Begun, not confirmed: nothing changes at login.
        await app.Api().LoginAsync(email, password);

        await (await api.PostAsync("/api/auth/mfa/totp/confirm", new { code = "000000" == CodeNow(app, secret) ? "111111" : "000000" }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        var confirmed = await api.PostAsync("/api/auth/mfa/totp/confirm", new { code = CodeNow(app, secret) });
        await confirmed.ShouldBe(HttpStatusCode.OK);
        var codes = (await confirmed.Json())["recoveryCodes"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$", c)); // 60 bits each

        var me = await (await api.GetAsync("/api/auth/me")).Json();
        Assert.True((bool)me["user"]!["mfaEnabled"]!);
        Assert.True((bool)me["user"]!["hasPassword"]!);
        await (await api.PostAsync("/api/auth/mfa/totp", new { password })).ShouldBeProblem(HttpStatusCode.Conflict, "mfa_already_enabled");
        await (await api.PostAsync("/api/auth/mfa/totp/confirm", new { code = CodeNow(app, secret) })).ShouldBeProblem(HttpStatusCode.Conflict, "mfa_already_enabled");

        // From now on the password alone is not enough; the ticket and the next step's code are.
        NextStep(app);
        var required = await MfaRequiredAsync(app, email, password);
        var ticket = (string)required["mfaTicket"]!;
        Assert.StartsWith("afs_mfa_", ticket, StringComparison.Ordinal);
        Assert.Equal(["totp", "recovery_code"], required["mfaMethods"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(app.Clock!.GetUtcNow().AddMinutes(5), DateTimeOffset.Parse((string)required["expires"]!, System.Globalization.CultureInfo.InvariantCulture));
        var done = await CompleteAsync(app, ticket, code: CodeNow(app, secret));
        await done.ShouldBe(HttpStatusCode.OK);
        var session = (string)(await done.Json())["token"]!["key"]!;
        Assert.StartsWith("afs_sess_", session, StringComparison.Ordinal);

        var events = await (await app.Api(session).GetAsync("/api/auth/events")).Json();
        var login = events["items"]!.AsArray().First(e => (string)e!["type"]! == "login_succeeded")!;
        Assert.Equal("password", (string)login["method"]!);
        Assert.True((bool)login["mfa"]!);
        Assert.Contains("mfa_enabled", await EventTypesAsync(app, session));
        var mail = await app.Mail.WaitForAsync(email, m => m.Subject == "Two-step sign-in is on");
        Assert.DoesNotContain(base32, mail.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEnrolmentLeftUnconfirmedExpiresAndMustBeBegunAgain()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var (_, password, key, _) = await app.Api().NewUserAsync();
        var begun = await (await app.Api(key).PostAsync("/api/auth/mfa/totp", new { password })).Json();
        var secret = OtpNet.Base32Encoding.ToBytes((string)begun["secret"]!);

        app.Clock!.Advance(TimeSpan.FromMinutes(16));

        await (await app.Api(key).PostAsync("/api/auth/mfa/totp/confirm", new { code = CodeNow(app, secret) })).ShouldBeProblem(HttpStatusCode.Conflict, "mfa_not_enabled");
    }

    [Fact]
    public async Task ACodeSentWithThePasswordLogsInAtOnceAndAWrongOneAsksForTheSecondFactor()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);

        var wrong = await app.Api().PostAsync("/api/auth/login", new { email = user.Email, password = user.Password, totpCode = WrongCode(app, user) });
        var required = await wrong.ShouldBeProblem(HttpStatusCode.Unauthorized, "mfa_required");
        Assert.StartsWith("afs_mfa_", (string)required["mfaTicket"]!, StringComparison.Ordinal);

        var right = await app.Api().PostAsync("/api/auth/login", new { email = user.Email, password = user.Password, totpCode = CodeNow(app, user.Secret) });
        await right.ShouldBe(HttpStatusCode.OK);
        var types = await EventTypesAsync(app, user.Key);
        Assert.Contains("mfa_failed", types);

        // A wrong password is the ordinary answer, with no hint that a second factor exists.
        var badPassword = await app.Api().PostAsync("/api/auth/login", new { email = user.Email, password = "not the password", totpCode = CodeNow(app, user.Secret) });
        var problem = await badPassword.ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Null(problem["mfaTicket"]);
    }

    [Fact]
    public async Task BasicLoginAnswersMfaRequiredWithItsBasicChallenge()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/login");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user.Email}:{user.Password}")));

        var response = await app.Api().SendAsync(request);

        var body = await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "mfa_required");
        Assert.Equal("Basic realm=\"auth\"", response.Headers.WwwAuthenticate.ToString());
        await (await CompleteAsync(app, (string)body["mfaTicket"]!, code: CodeNow(app, user.Secret))).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OneTotpCodeSentTwiceAtOnceSucceedsOnce()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var (first, second) = (await TicketAsync(app, user), await TicketAsync(app, user));
        var code = CodeNow(app, user.Secret);

        // The first use has read the factor and checked the code, and is held at the write that spends it;
        // the second then reads the same factor (the code not spent yet) and checks the same code.
        var held = app.Storage.PauseAt(r => r.IsBatch && r.Body.Contains("RowKey='mfa'", StringComparison.Ordinal));
        var firstUse = CompleteAsync(app, first, code: code);
        await held.WaitReachedAsync();
        var secondUse = await CompleteAsync(app, second, code: code);
        held.Release();
        var firstAnswer = await firstUse;

        var statuses = new[] { firstAnswer.StatusCode, secondUse.StatusCode };
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        await (firstAnswer.StatusCode == HttpStatusCode.OK ? secondUse : firstAnswer).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        // The loser was judged again on the factor as the winner left it: the step was spent.
        Assert.Equal(1, held.Arrivals);
    }

    [Fact]
    public async Task ACodeIsGoodForItsStepAndOneEitherSideOnceAndACodeTwoStepsOldIsNot()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var now = app.Clock!.GetUtcNow();
        var twoStepsAgo = TotpCodes.Compute(user.Secret, now.AddSeconds(-60));
        var oneStepAgo = TotpCodes.Compute(user.Secret, now.AddSeconds(-30));
        var oneStepAhead = TotpCodes.Compute(user.Secret, now.AddSeconds(30));

        await (await CompleteAsync(app, await TicketAsync(app, user), code: twoStepsAgo)).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        // The confirmation spent the step before this one: a code of it is refused too.
        await (await CompleteAsync(app, await TicketAsync(app, user), code: oneStepAgo)).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        await (await CompleteAsync(app, await TicketAsync(app, user), code: oneStepAhead)).ShouldBe(HttpStatusCode.OK);
        // Accepted once: and every step up to it is spent with it.
        await (await CompleteAsync(app, await TicketAsync(app, user), code: oneStepAhead)).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        await (await CompleteAsync(app, await TicketAsync(app, user), code: CodeNow(app, user.Secret))).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        NextStep(app);
        NextStep(app);
        await (await CompleteAsync(app, await TicketAsync(app, user), code: CodeNow(app, user.Secret))).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ATicketDiesAfterFiveWrongCodesAndARightCodeThenIsRefused()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var ticket = await TicketAsync(app, user);

        for (var i = 0; i < 5; i++)
        {
            await (await CompleteAsync(app, ticket, code: WrongCode(app, user))).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        }

        await (await CompleteAsync(app, ticket, code: CodeNow(app, user.Secret))).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        await (await CompleteAsync(app, ticket, recoveryCode: user.RecoveryCodes[0])).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        Assert.Equal(5, (await EventTypesAsync(app, user.Key)).Count(t => t == "mfa_failed"));
    }

    [Fact]
    public async Task ManyWrongCodesAtOnceOnOneTicketAreAnsweredButOnlyFiveAreEverCountedBeforeItDies()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var ticket = await TicketAsync(app, user);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CompleteAsync(app, ticket, code: WrongCode(app, user))));

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, a.StatusCode.ToString()));
        // Each wrong code committed its count on a version of the ticket; past five it was dead for the rest.
        Assert.Equal(5, (await EventTypesAsync(app, user.Key)).Count(t => t == "mfa_failed"));
        await (await CompleteAsync(app, ticket, code: CodeNow(app, user.Secret))).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
    }

    [Fact]
    public async Task OneRecoveryCodeSentTwiceAtOnceSucceedsOnceAndIsReported()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var (first, second) = (await TicketAsync(app, user), await TicketAsync(app, user));
        var code = user.RecoveryCodes[3].ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal); // as a person might type it

        var held = app.Storage.PauseAt(r => r.IsBatch && r.Body.Contains("RowKey='mfa'", StringComparison.Ordinal));
        var firstUse = CompleteAsync(app, first, recoveryCode: code);
        await held.WaitReachedAsync();
        var secondUse = await CompleteAsync(app, second, recoveryCode: user.RecoveryCodes[3]);
        held.Release();
        var firstAnswer = await firstUse;

        var statuses = new[] { firstAnswer.StatusCode, secondUse.StatusCode };
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        var types = await EventTypesAsync(app, user.Key);
        Assert.Equal(1, types.Count(t => t == "recovery_code_used"));
        await app.Mail.WaitForAsync(user.Email, m => m.Subject == "A recovery code was used");
        // The other nine still work, once each.
        await (await CompleteAsync(app, await TicketAsync(app, user), recoveryCode: user.RecoveryCodes[4])).ShouldBe(HttpStatusCode.OK);
        await (await CompleteAsync(app, await TicketAsync(app, user), recoveryCode: user.RecoveryCodes[3])).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
    }

    [Theory]
    [InlineData("reset")]
    [InlineData("revoke-all")]
    [InlineData("change-password")]
    public async Task ATicketIssuedBeforeARevocationIsRefusedAfterIt(string revocation)
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var ticket = await TicketAsync(app, user);

        switch (revocation)
        {
            case "reset":
                var token = await RecoveryTests.ForgotAndReadTokenAsync(app, user.Email);
                await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = RecoveryTests.NewPassword })).ShouldBe(HttpStatusCode.NoContent);
                break;
            case "revoke-all":
                await (await app.Api(user.Key).DeleteAsync("/api/tokens")).ShouldBe(HttpStatusCode.NoContent);
                break;
            default:
                await (await app.Api(user.Key).PostAsync("/api/auth/password/change", new { oldPassword = user.Password, newPassword = RecoveryTests.NewPassword, resetTokens = true }))
                    .ShouldBe(HttpStatusCode.NoContent);
                break;
        }

        await (await CompleteAsync(app, ticket, code: CodeNow(app, user.Secret))).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        // The factor itself survives every one of them.
        var password = revocation == "revoke-all" ? user.Password : RecoveryTests.NewPassword;
        var fresh = (string)(await MfaRequiredAsync(app, user.Email, password))["mfaTicket"]!;
        await (await CompleteAsync(app, fresh, code: CodeNow(app, user.Secret))).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task APasswordResetLeavesTheSecondFactorInPlace()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var token = await RecoveryTests.ForgotAndReadTokenAsync(app, user.Email);

        await (await app.Api().PostAsync("/api/auth/password/reset", new { token, newPassword = RecoveryTests.NewPassword })).ShouldBe(HttpStatusCode.NoContent);

        await MfaRequiredAsync(app, user.Email, RecoveryTests.NewPassword);
        Assert.True((await app.UserAsync(user.UserId)).MfaEnabled);
    }

    [Fact]
    public async Task ATicketExpiresAfterFiveMinutes()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var ticket = await TicketAsync(app, user);

        app.Clock!.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        await (await CompleteAsync(app, ticket, code: CodeNow(app, user.Secret))).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
    }

    [Theory]
    [InlineData("not-a-ticket")]
    [InlineData("afs_sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task AJunkTicketIsRefusedWithoutAStorageRead(string ticket)
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        await app.QuietAsync();
        var before = app.Storage.TableRequests;

        await (await CompleteAsync(app, ticket, code: "123456")).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");

        Assert.Equal(before, app.Storage.TableRequests);
    }

    [Fact]
    public async Task LoginMfaNeedsATicketAndExactlyOneKindOfCode()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var api = app.Api();
        await (await api.PostAsync("/api/auth/login/mfa", new { code = "123456" })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await api.PostAsync("/api/auth/login/mfa", new { mfaTicket = "afs_mfa_x" })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await api.PostAsync("/api/auth/login/mfa", new { mfaTicket = "afs_mfa_x", code = "123456", recoveryCode = "AAAA-BBBB-CCCC" })).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await api.PostAsync("/api/auth/login/mfa", new { mfaTicket = 5, code = "123456" })).ShouldBeProblem(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task WrongCodesCountInTheLoginThrottleSoThePasswordAloneCannotBuyMoreGuesses()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);

        // Each round: the password (right), then a wrong code. The held attempt and the wrong code both count.
        var refused = false;
        for (var round = 0; round < 5 && !refused; round++)
        {
            var login = await app.Api().PostAsync("/api/auth/login", new { email = user.Email, password = user.Password });
            if (login.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = true;
                break;
            }

            var ticket = (string)(await login.ShouldBeProblem(HttpStatusCode.Unauthorized, "mfa_required"))["mfaTicket"]!;
            await (await CompleteAsync(app, ticket, code: WrongCode(app, user))).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        }

        Assert.True(refused, "the login was never throttled after wrong codes");
        var throttled = await app.Api().PostAsync("/api/auth/login", new { email = user.Email, password = user.Password });
        await throttled.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too_many_requests");

        // Once the back-off is over, the right code clears the count.
        app.Clock!.Advance(TimeSpan.FromMinutes(16));
        await (await CompleteAsync(app, await TicketAsync(app, user), code: CodeNow(app, user.Secret))).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(0, await LoginTests.Failures(app, user.Email));
    }

    [Fact]
    public async Task DisablingNeedsThePasswordAndACodeAndThenTheLoginIsPasswordOnly()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var api = app.Api(user.Key);

        await (await api.SendAsync(HttpMethod.Delete, "/api/auth/mfa/totp", new { password = "wrong password", code = CodeNow(app, user.Secret) }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "reauthentication_required");
        await (await api.SendAsync(HttpMethod.Delete, "/api/auth/mfa/totp", new { password = user.Password, code = WrongCode(app, user) }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        await (await api.SendAsync(HttpMethod.Delete, "/api/auth/mfa/totp", new { password = user.Password }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("mfa_failed", await EventTypesAsync(app, user.Key));

        await (await api.SendAsync(HttpMethod.Delete, "/api/auth/mfa/totp", new { password = user.Password, code = user.RecoveryCodes[0] })).ShouldBe(HttpStatusCode.NoContent);

        await app.Api().LoginAsync(user.Email, user.Password);
        Assert.False((await app.UserAsync(user.UserId)).MfaEnabled);
        Assert.Contains("mfa_disabled", await EventTypesAsync(app, user.Key));
        await app.Mail.WaitForAsync(user.Email, m => m.Subject == "Two-step sign-in was turned off");
        await (await api.SendAsync(HttpMethod.Delete, "/api/auth/mfa/totp", new { password = user.Password, code = CodeNow(app, user.Secret) }))
            .ShouldBeProblem(HttpStatusCode.Conflict, "mfa_not_enabled");
        await (await api.PostAsync("/api/auth/mfa/recovery-codes", new { code = CodeNow(app, user.Secret) })).ShouldBeProblem(HttpStatusCode.Conflict, "mfa_not_enabled");
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("change-password")]
    public async Task TheRightPasswordOnASignedInCallNeverWipesTheCountOfWrongCodes(string wipe)
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var api = app.Api(user.Key);

        // Guess codes with the password known, trying to clear the count between guesses with it.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            if (wipe == "change-password")
            {
                var changed = await api.PostAsync("/api/auth/password/change", new { oldPassword = user.Password, newPassword = user.Password + "!" });
                statuses.Add(changed.StatusCode);
                await (await api.PostAsync("/api/auth/password/change", new { oldPassword = user.Password + "!", newPassword = user.Password })).ShouldBe(changed.StatusCode);
                statuses.Add((await api.PostAsync("/api/auth/mfa/recovery-codes", new { code = WrongCode(app, user) })).StatusCode);
            }
            else
            {
                statuses.Add((await api.SendAsync(HttpMethod.Delete, "/api/auth/mfa/totp", new { password = user.Password, code = WrongCode(app, user) })).StatusCode);
            }
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.Unauthorized) <= 5, string.Join(", ", statuses));
    }

    [Fact]
    public async Task NewRecoveryCodesReplaceTheOldSet()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        var api = app.Api(user.Key);

        await (await api.PostAsync("/api/auth/mfa/recovery-codes", new { code = WrongCode(app, user) })).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        var response = await api.PostAsync("/api/auth/mfa/recovery-codes", new { code = CodeNow(app, user.Secret) });
        await response.ShouldBe(HttpStatusCode.OK);
        var fresh = (await response.Json())["recoveryCodes"]!.AsArray().Select(c => (string)c!).ToArray();

        Assert.Equal(10, fresh.Length);
        Assert.Empty(fresh.Intersect(user.RecoveryCodes));
        await (await CompleteAsync(app, await TicketAsync(app, user), recoveryCode: user.RecoveryCodes[1])).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_mfa_code");
        await (await CompleteAsync(app, await TicketAsync(app, user), recoveryCode: fresh[1])).ShouldBe(HttpStatusCode.OK);
        Assert.Contains("recovery_codes_regenerated", await EventTypesAsync(app, user.Key));
        await app.Mail.WaitForAsync(user.Email, m => m.Subject == "New recovery codes were made");
    }

    [Fact]
    public async Task ATableDumpAfterEnrolmentHoldsNoSecretAndNoRecoveryCode()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var user = await NewEnrolledUserAsync(app);
        await (await CompleteAsync(app, await TicketAsync(app, user), recoveryCode: user.RecoveryCodes[0])).ShouldBe(HttpStatusCode.OK);
        await app.QuietAsync();

        var dump = new StringBuilder();
        var binary = new List<byte[]>();
        await foreach (var table in app.Services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().QueryAsync(t => t.Name.CompareTo(app.TablePrefix) >= 0 && t.Name.CompareTo(app.TablePrefix + "~") < 0))
        {
            await foreach (var row in app.Services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(table.Name).QueryAsync<Azure.Data.Tables.TableEntity>())
            {
                foreach (var (name, value) in row)
                {
                    dump.Append(name).Append('=').Append(value is byte[] b ? Convert.ToBase64String(b) : value?.ToString()).Append('\n');
                    if (value is byte[] bytes)
                    {
                        binary.Add(bytes);
                    }
                }
            }
        }

        var text = dump.ToString();
        Assert.Contains("SecretKeyId=", text, StringComparison.Ordinal); // the factor's row is in the dump
        Assert.DoesNotContain(OtpNet.Base32Encoding.ToString(user.Secret), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(user.Secret), text, StringComparison.Ordinal);
        Assert.DoesNotContain(binary, b => b.AsSpan().IndexOf(user.Secret) >= 0);
        foreach (var code in user.RecoveryCodes)
        {
            Assert.DoesNotContain(code, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(code.Replace("-", "", StringComparison.Ordinal), text, StringComparison.OrdinalIgnoreCase);
            var bare = Encoding.ASCII.GetBytes(code.Replace("-", "", StringComparison.Ordinal));
            Assert.DoesNotContain(binary, b => b.AsSpan().IndexOf(bare) >= 0);
            Assert.DoesNotContain(binary, b => b.AsSpan().IndexOf(System.Security.Cryptography.SHA256.HashData(bare)) >= 0);
        }

        Assert.DoesNotContain("afs_mfa_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSecondFactorCostsALoginWithoutItNothingAndItsOwnStepIsOneRoundTripOfReadsAndOneTransaction()
    {
        await using var app = await AuthApp.StartAsync(AuthApp.NewClock());
        var plain = await app.Api().NewUserAsync();
        var user = await NewEnrolledUserAsync(app);
        var ticket = await TicketAsync(app, user);
        await app.QuietAsync();

        var plainLogin = app.Storage.Record();
        await app.Api().LoginAsync(plain.Email, plain.Password);
        var plainRequests = plainLogin.Where(r => r.IsTable).ToList();
        // The throttle's three counts (reserve, account, network across accounts), the email index and
        // user row, the session's expiry row, its transaction, and clearing the reservation: as before.
        Assert.DoesNotContain(plainRequests, r => r.RowKey == "mfa" || r.Body.Contains("RowKey='mfa'", StringComparison.Ordinal));
        Assert.Equal(8, plainRequests.Count);
        await app.QuietAsync();

        var step = app.Storage.Record();
        await (await CompleteAsync(app, ticket, code: CodeNow(app, user.Secret))).ShouldBe(HttpStatusCode.OK);
        var requests = step.Where(r => r.IsTable).ToList();
        var reads = requests.Where(r => r.Method == "GET").Select(r => r.RowKey).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, reads.Count); // the ticket, the user row and the factor, in one round trip
        Assert.Contains("mfa", reads);
        Assert.Contains("user", reads);
        Assert.Single(requests, r => r.IsBatch); // the ticket, the code, the session and its event: one transaction
        var batch = requests.Single(r => r.IsBatch).Body;
        Assert.Contains("If-Match", batch, StringComparison.Ordinal);
        // The rest: the session's expiry row before the transaction, and clearing the held login attempt after it.
        Assert.All(requests.Where(r => r.Method != "GET" && !r.IsBatch), r => Assert.True(r.IsTo("expiry") || r.IsTo("throttles"), r.Path));
    }

    private static string WrongCode(AuthApp app, MfaUser user)
    {
        // A six-digit code that is none of the window's three.
        var now = app.Clock!.GetUtcNow();
        var valid = new[] { -30, 0, 30 }.Select(s => TotpCodes.Compute(user.Secret, now.AddSeconds(s))).ToHashSet();
        var candidate = 100000;
        while (valid.Contains(candidate.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            candidate++;
        }

        return candidate.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
