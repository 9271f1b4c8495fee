using System.Globalization;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Email;

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
                : Identity.AzureCredentials.Create(Identity.AzureCredentials.ManagedIdentity, _options.Acs.ClientId);
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
