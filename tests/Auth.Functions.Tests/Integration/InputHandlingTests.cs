using System.Net;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

public sealed class InputHandlingTests
{
    [Fact]
    public async Task AMegabyteBodyIs413AndCostsNoHash()
    {
        await using var app = await AuthApp.StartAsync();
        var hashesBefore = app.HashesAfterWarmUp();
        var verificationsBefore = app.Hasher.Verifications;
        var huge = $$"""{"email":"big@example.com","password":"{{new string('x', 1024 * 1024)}}"}""";

        var register = await app.Api().PostRawAsync("/api/auth/register", huge);
        var login = await app.Api().PostRawAsync("/api/auth/login", huge);

        await register.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        await login.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(hashesBefore, app.Hasher.Hashes);
        Assert.Equal(verificationsBefore, app.Hasher.Verifications);
    }

    [Fact]
    public async Task ABodyJustUnder16KiBIsReadAndOneJustOverIsNot()
    {
        await using var app = await AuthApp.StartAsync();
        string Body(int size)
        {
            var head = """{"email":"edge@example.com","password":"correct horse battery","pad":""" + "\"";
            return head + new string(' ', size - head.Length - 2) + "\"}";
        }

        Assert.Equal(16 * 1024, Body(16 * 1024).Length);
        await (await app.Api().PostRawAsync("/api/auth/register", Body(16 * 1024))).ShouldBe(HttpStatusCode.Created);
        await (await app.Api().PostRawAsync("/api/auth/register", Body(16 * 1024 + 1)))
            .ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("""{"email": 42, "password": "correct horse battery"}""")]
    [InlineData("""{"email": "a@example.com", "password": ["x"]}""")]
    [InlineData("""{"email": "a@example.com", "password": true}""")]
    [InlineData("""{"email": {"$ne": null}, "password": "correct horse battery"}""")]
    public async Task MalformedJsonOrAWrongFieldTypeIsMalformedJson(string body)
    {
        await using var app = await AuthApp.StartAsync();

        await (await app.Api().PostRawAsync("/api/auth/register", body)).ShouldBeProblem(HttpStatusCode.BadRequest, "malformed_json");
        await (await app.Api().PostRawAsync("/api/auth/login", body)).ShouldBeProblem(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task NullFieldsAreValidationFailuresThatNameTheField()
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().PostRawAsync("/api/auth/register", """{"email": null, "password": null}""");

        var body = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(body["errors"]!["email"]);
        Assert.NotNull(body["errors"]!["password"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task ABodyThatIsNotJsonIs415(string? contentType)
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().PostRawAsync("/api/auth/register", """{"email":"a@example.com","password":"correct horse battery"}""", contentType);

        await response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("APPLICATION/JSON")]
    public async Task JsonWithParametersOrOtherCaseIsAccepted(string contentType)
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().PostRawAsync("/api/auth/register", """{"email":"ct@example.com","password":"correct horse battery"}""", contentType);

        await response.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ExtraFieldsCannotSetStorageOrPrivilegeFields()
    {
        await using var app = await AuthApp.StartAsync();
        var response = await app.Api().PostRawAsync("/api/auth/register", """
            {"email":"extra@example.com","password":"correct horse battery","isAdmin":true,
             "PartitionKey":"victim","RowKey":"user","ETag":"*","passwordHash":"$argon2id$v=19$m=8,t=1,p=1$AAAA$AAAA","id":"0123456789abcdef0123456789abcdef"}
            """);

        await response.ShouldBe(HttpStatusCode.Created);
        var user = (await response.Json())["user"]!;
        Assert.NotEqual("0123456789abcdef0123456789abcdef", (string?)user["id"]);
        Assert.Null(user["isAdmin"]);
        Assert.Null(user["passwordHash"]);
        await app.Api().LoginAsync("extra@example.com", "correct horse battery");
        Assert.False((await app.Tables.Users.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("victim", "user")).HasValue);
    }

    [Theory]
    [InlineData("o'brien@example.com")]
    [InlineData("' or ''='@example.com")]
    [InlineData("a/b#c?d@example.com")]
    [InlineData("x'or'1'='1@example.com")]
    public async Task EmailsWithQuotesAndUrlCharactersAreHandledSafely(string email)
    {
        await using var app = await AuthApp.StartAsync();
        var api = app.Api();
        var other = await api.NewUserAsync("victim@example.com");

        var register = await api.PostAsync("/api/auth/register", new { email, password = "correct horse battery" });
        Assert.True(register.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"{register.StatusCode}");
        if (register.StatusCode == HttpStatusCode.Created)
        {
            var key = await api.LoginAsync(email, "correct horse battery");
            var me = await (await api.WithKey(key).GetAsync("/api/auth/me")).Json();
            Assert.Equal(email, (string?)me["user"]!["email"]);
            Assert.NotEqual(other.UserId, (string?)me["user"]!["id"]);
        }

        var login = await api.PostAsync("/api/auth/login", new { email, password = "a perfectly fine passphrase" });
        await login.ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Theory]
    [InlineData("back\\slash@example.com")]
    [InlineData("nul\u0000@example.com")]
    [InlineData("new\nline@example.com")]
    [InlineData("tab\tin@example.com")]
    [InlineData("bell\u0007@example.com")]
    public async Task EmailsWithBackslashesOrControlCharactersAreRefused(string email)
    {
        await using var app = await AuthApp.StartAsync();

        var response = await app.Api().PostAsync("/api/auth/register", new { email, password = "correct horse battery" });

        var body = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(body["errors"]!["email"]);
    }

    [Fact]
    public async Task UnknownPathsAndMethodsAreProblemsToo()
    {
        await using var app = await AuthApp.StartAsync();

        await (await app.Api().GetAsync("/api/nothing-here")).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await app.Api().SendAsync(HttpMethod.Put, "/api/tokens", null)).ShouldBeProblem(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }
}
