using System.Text;
using Auth.Functions.Email;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Tests.Unit;

/// <summary>
/// The Entra ID path of the ACS sender, through Azure.Core's real bearer-token policy (which insists
/// on https, so the requests are answered in-process instead of by a socket).
/// </summary>
public sealed class AcsEntraAuthTests
{
    [Fact]
    public async Task WithoutAConnectionStringItSendsABearerTokenForTheCommunicationScope()
    {
        var credential = new FakeCredential();
        var transport = new ScriptedTransport();
        var sender = new AcsEmailSender(
            Options.Create(new EmailOptions
            {
                Provider = "acs",
                From = "DoNotReply@example.azurecomm.net",
                Acs = new EmailOptions.AcsSettings { Endpoint = "https://auth-acs.communication.azure.com", PollInterval = TimeSpan.Zero },
            }),
            TimeProvider.System,
            transport,
            credential);

        await sender.SendAsync(new EmailMessage("reader@example.com", "s", "t", "<p>h</p>", Guid.NewGuid()), CancellationToken.None);

        Assert.Equal(["https://communication.azure.com//.default"], credential.Scopes.Distinct());
        Assert.Equal(2, transport.Requests.Count);
        Assert.All(transport.Requests, r =>
        {
            Assert.Equal("Bearer token-for-acs", r.Authorization);
            Assert.False(r.HasHmacHeaders);
        });
        Assert.Equal("POST https://auth-acs.communication.azure.com/emails:send?api-version=2023-03-31", transport.Requests[0].Line);
        Assert.StartsWith("GET https://auth-acs.communication.azure.com/emails/operations/", transport.Requests[1].Line, StringComparison.Ordinal);
    }

    private sealed class FakeCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken("token-for-acs", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }

    private sealed record Seen(string Line, string? Authorization, bool HasHmacHeaders);

    /// <summary>Answers the send with 202 + Operation-Location, and the poll with Succeeded.</summary>
    private sealed class ScriptedTransport : HttpPipelineTransport
    {
        public List<Seen> Requests { get; } = [];

        public override Request CreateRequest() => new HttpClientTransport().CreateRequest();

        public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

        public override ValueTask ProcessAsync(HttpMessage message)
        {
            var request = message.Request;
            request.Headers.TryGetValue("Authorization", out var authorization);
            Requests.Add(new Seen($"{request.Method} {request.Uri}", authorization, request.Headers.TryGetValue("x-ms-content-sha256", out _)));
            message.Response = request.Method == RequestMethod.Post
                ? new CannedResponse(202, "{\"id\":\"op-1\",\"status\":\"Running\"}", ("Operation-Location", "https://auth-acs.communication.azure.com/emails/operations/op-1?api-version=2023-03-31"))
                : new CannedResponse(200, "{\"id\":\"op-1\",\"status\":\"Succeeded\"}");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CannedResponse(int status, string body, params (string Name, string Value)[] headers) : Response
    {
        public override int Status => status;
        public override string ReasonPhrase => "";
        public override Stream? ContentStream { get; set; } = new MemoryStream(Encoding.UTF8.GetBytes(body));
        public override string ClientRequestId { get; set; } = "";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => headers.Any(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers.Select(h => new HttpHeader(h.Name, h.Value));

        protected override bool TryGetHeader(string name, out string value)
        {
            var match = headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            value = match.Value;
            return match.Name is not null;
        }

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            values = headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
            return values.Any();
        }
    }
}
