using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Auth.Functions.Storage;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Email;

/// <summary>The provider did not accept or deliver the email. Carries no message text from the provider's body.</summary>
public sealed class EmailSendException(string message) : Exception(message);

/// <summary>
/// Azure Communication Services Email over its REST API (the SDK package is not obtainable here),
/// on Azure.Core's pipeline for retries and logging: <c>POST /emails:send</c>, then poll the
/// operation to a final status. Auth is the resource's access key (HMAC-SHA256) or Entra ID.
/// </summary>
public sealed class AcsEmailSender : IEmailSender
{
    public const string ApiVersion = "2023-03-31";
    public const string Scope = "https://communication.azure.com//.default";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly EmailOptions _options;
    private readonly TimeProvider _clock;

    public AcsEmailSender(IOptions<EmailOptions> options, TimeProvider clock, HttpPipelineTransport? transport = null, TokenCredential? credential = null)
    {
        _options = options.Value;
        _clock = clock;
        var clientOptions = new AcsClientOptions();
        if (transport is not null)
        {
            clientOptions.Transport = transport;
        }

        HttpPipelinePolicy authentication;
        if (!string.IsNullOrWhiteSpace(_options.Acs.ConnectionString))
        {
            if (!AcsConnectionString.TryParse(_options.Acs.ConnectionString, out var parsed))
            {
                throw new InvalidOperationException("Email__Acs__ConnectionString is not a valid ACS connection string.");
            }

            _endpoint = parsed.Endpoint;
            authentication = new AcsHmacAuthenticationPolicy(parsed.AccessKey, clock);
        }
        else
        {
            _endpoint = new Uri(_options.Acs.Endpoint!);
            // A user-assigned managed identity in Azure; DefaultAzureCredential (developer sign-in) elsewhere.
            credential ??= string.IsNullOrEmpty(_options.Acs.ClientId)
                ? new Azure.Identity.DefaultAzureCredential()
                : StorageClients.CreateCredential("managedidentity", _options.Acs.ClientId);
            authentication = new BearerTokenAuthenticationPolicy(credential, Scope);
        }

        _pipeline = HttpPipelineBuilder.Build(clientOptions, authentication);
    }

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Acs.SendTimeout);
        var operationLocation = await StartAsync(message, timeout.Token);
        await PollAsync(operationLocation, timeout.Token);
    }

    private async Task<Uri> StartAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var body = new AcsSendRequest(
            _options.From,
            new AcsContent(message.Subject, message.PlainText, message.Html),
            new AcsRecipients([new AcsAddress(message.To, null)]),
            // Tracking rewrites links: never for a reset link.
            UserEngagementTrackingDisabled: true);
        using var request = _pipeline.CreateRequest();
        request.Method = RequestMethod.Post;
        request.Uri.Reset(Resolve($"emails:send?api-version={ApiVersion}"));
        request.Headers.Add("Content-Type", "application/json");
        // The same id on every retry of this email: ACS accepts it once.
        request.Headers.Add("Operation-Id", message.IdempotencyKey.ToString("D"));
        request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(body, AcsJsonContext.Default.AcsSendRequest));

        using var response = await _pipeline.SendRequestAsync(request, cancellationToken);
        if (response.Status != 202)
        {
            throw new EmailSendException($"ACS refused the email: HTTP {response.Status}.");
        }

        if (!response.Headers.TryGetValue("Operation-Location", out var location) || !Uri.TryCreate(location, UriKind.Absolute, out var uri))
        {
            var id = response.Headers.TryGetValue("Operation-Id", out var opId) ? opId : message.IdempotencyKey.ToString("D");
            uri = Resolve($"emails/operations/{Uri.EscapeDataString(id)}?api-version={ApiVersion}");
        }

        return uri;
    }

    // Not new Uri(base, "emails:send"): a relative reference with a colon would parse as a scheme.
    private Uri Resolve(string relative) => new(_endpoint.AbsoluteUri.TrimEnd('/') + "/" + relative);

    private async Task PollAsync(Uri operationLocation, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var request = _pipeline.CreateRequest();
            request.Method = RequestMethod.Get;
            request.Uri.Reset(operationLocation);
            using var response = await _pipeline.SendRequestAsync(request, cancellationToken);
            if (response.Status != 200)
            {
                throw new EmailSendException($"ACS operation status query failed: HTTP {response.Status}.");
            }

            var status = JsonSerializer.Deserialize(response.Content.ToMemory().Span, AcsJsonContext.Default.AcsOperationStatus);
            switch (status?.Status)
            {
                case "Succeeded":
                    return;
                case "Failed" or "Canceled":
                    throw new EmailSendException($"ACS did not send the email: {status.Status} ({status.Error?.Code ?? "no code"}).");
            }

            var wait = response.Headers.TryGetValue("Retry-After", out var retryAfter)
                && int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : _options.Acs.PollInterval;
            await Task.Delay(wait, _clock, cancellationToken);
        }
    }

    private sealed class AcsClientOptions : ClientOptions;
}

/// <summary>ACS access-key auth: HMAC-SHA256 over method, path and query, date, host and content hash.</summary>
public sealed class AcsHmacAuthenticationPolicy(byte[] accessKey, TimeProvider clock) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        using var body = new MemoryStream();
        request.Content?.WriteTo(body, message.CancellationToken);
        var contentHash = Convert.ToBase64String(SHA256.HashData(body.ToArray()));
        var date = clock.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
        var uri = request.Uri.ToUri();
        var toSign = $"{request.Method.Method}\n{uri.PathAndQuery}\n{date};{uri.Authority};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(accessKey, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.SetValue("x-ms-date", date);
        request.Headers.SetValue("x-ms-content-sha256", contentHash);
        request.Headers.SetValue("Authorization", $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}");
    }
}

public sealed record AcsConnectionString(Uri Endpoint, byte[] AccessKey)
{
    public static bool TryParse(string? value, out AcsConnectionString parsed)
    {
        parsed = null!;
        string? endpoint = null, key = null;
        foreach (var part in (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }

            if (pair[0].Equals("endpoint", StringComparison.OrdinalIgnoreCase))
            {
                endpoint = pair[1];
            }
            else if (pair[0].Equals("accesskey", StringComparison.OrdinalIgnoreCase))
            {
                key = pair[1];
            }
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || key is null)
        {
            return false;
        }

        var bytes = new byte[key.Length];
        if (!Convert.TryFromBase64String(key, bytes, out var written) || written == 0)
        {
            return false;
        }

        parsed = new AcsConnectionString(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), bytes[..written]);
        return true;
    }
}

public sealed record AcsSendRequest(string SenderAddress, AcsContent Content, AcsRecipients Recipients, bool UserEngagementTrackingDisabled);

public sealed record AcsContent(string Subject, string PlainText, string Html);

public sealed record AcsRecipients(IReadOnlyList<AcsAddress> To);

public sealed record AcsAddress(string Address, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisplayName);

public sealed record AcsOperationStatus(string? Id, string? Status, AcsError? Error);

public sealed record AcsError(string? Code, string? Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AcsSendRequest))]
[JsonSerializable(typeof(AcsOperationStatus))]
public sealed partial class AcsJsonContext : JsonSerializerContext;
