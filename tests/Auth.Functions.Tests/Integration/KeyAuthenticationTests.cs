using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Auth.Functions.Tests.Infrastructure;
using Azure.Data.Tables;

namespace Auth.Functions.Tests.Integration;

/// <summary>How a key is presented and checked: Bearer, Basic, malformed headers, what storage keeps.</summary>
public sealed class KeyAuthenticationTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer afs_sess_' or ''='")]
    [InlineData("Token abc")]
    [InlineData("Digest username=x")]
    [InlineData("Basic !!!notbase64")]
    [InlineData("bearer-ish")]
    public async Task AnyMalformedAuthorizationGetsTheSame401(string? header)
    {
        await using var app = await AuthApp.StartAsync();
        var reference = await app.Api().GetAsync("/api/auth/me");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        var response = await app.Api().SendAsync(request);

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(await reference.Content.ReadAsStringAsync(), await response.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task ATenKilobyteAuthorizationHeaderGetsTheSame401()
    {
        await using var app = await AuthApp.StartAsync();
        var ordinary = await app.Api("afs_sess_unknown").GetAsync("/api/auth/me");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer afs_sess_" + new string('A', 10 * 1024));
        var storageBefore = app.Storage.TableRequests;

        var response = await app.Api().SendAsync(request);

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(await ordinary.Content.ReadAsStringAsync(), await response.Content.ReadAsStringAsync());
        Assert.Equal(ordinary.Headers.WwwAuthenticate.ToString(), response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(storageBefore, app.Storage.TableRequests);
    }

    [Fact]
    public async Task AValidKeyWithABrokenChecksumIsRefusedWithoutAStorageRead()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, _) = await app.Api().NewUserAsync();
        var broken = session[..^3] + (session[^3] == 'A' ? "B" : "A") + session[^2..];
        await app.QuietAsync();
        var before = app.Storage.TableRequests;

        await (await app.Api(broken).GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");

        Assert.Equal(before, app.Storage.TableRequests);
        // The intact key, by contrast, costs its two point reads and, on first use, the lastUsed write:
        // the counter does see them.
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(before + 3, app.Storage.TableRequests);
    }

    [Fact]
    public async Task AKeyCheckIsTwoPointReadsAndNoQuery()
    {
        await using var app = await AuthApp.StartAsync();
        var (_, _, session, userId) = await app.Api().NewUserAsync();
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK); // the first use writes lastUsed
        await app.QuietAsync();

        var recorded = app.Storage.Record();
        await (await app.Api(session).GetAsync("/api/auth/me")).ShouldBe(HttpStatusCode.OK);

        var requests = recorded.Where(r => r.IsTable).ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal("GET", r.Method));
        Assert.All(requests, r => Assert.True(r.IsPointOperation, $"not a point read: {r.Path}"));
        Assert.Equal(["tok-", "user"], requests.Select(r => r.RowKey![..4]).Order());
        Assert.All(requests, r => Assert.Contains($"PartitionKey='{userId}'", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BasicWithEmailAndKeyIsAcceptedWhereverBearerIs()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, session, _) = await app.Api().NewUserAsync();
        var other = await app.Api().NewUserAsync();

        Task<HttpResponseMessage> MeWithBasic(string user, string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{key}")));
            return app.Api().SendAsync(request);
        }

        await (await MeWithBasic(email.ToUpperInvariant(), session)).ShouldBe(HttpStatusCode.OK);
        // The user part must name the key's owner.
        await (await MeWithBasic(other.Email, session)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task NoTableHoldsARawKeyResetTokenOrVerificationToken()
    {
        await using var app = await AuthApp.StartAsync();
        var (email, _, session, _) = await app.Api().NewUserAsync();
        var keys = new List<string> { session };
        for (var i = 0; i < 5; i++)
        {
            keys.Add((await app.Api(session).CreateApiKeyAsync($"k{i}")).Key);
        }

        keys.Add(await RecoveryTests.ForgotAndReadTokenAsync(app, email));
        keys.Add(CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(email, CapturingEmailSender.IsVerificationEmail)));

        var dump = new StringBuilder();
        foreach (var table in app.Tables.All)
        {
            await foreach (var entity in table.QueryAsync<TableEntity>())
            {
                foreach (var (name, value) in entity)
                {
                    dump.Append(name).Append('=').Append(value is byte[] b ? Convert.ToBase64String(b) + Convert.ToHexString(b) : value).Append('\n');
                }
            }
        }

        var text = dump.ToString();
        Assert.Equal(8, Regex.Count(text, "KeyHash="));
        foreach (var key in keys)
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(key[^40..], text, StringComparison.Ordinal);
        }
    }
}
