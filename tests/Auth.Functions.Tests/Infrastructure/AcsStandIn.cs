using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>
/// A local stand-in for the ACS Email REST API: checks the HMAC-SHA256 signature as the service
/// documents it, records each send, answers 202 with Operation-Location, then reports the
/// operation Running once and then its scripted final status.
/// </summary>
public sealed class AcsStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AcsStandIn(WebApplication app, int port, byte[] key)
    {
        _app = app;
        Port = port;
        Key = key;
    }

    public int Port { get; }
    public byte[] Key { get; }
    public string ConnectionString => $"endpoint=http://127.0.0.1:{Port}/;accesskey={Convert.ToBase64String(Key)}";

    public ConcurrentQueue<Received> Sends { get; } = new();
    public ConcurrentQueue<string> Polls { get; } = new();
    public ConcurrentQueue<string> Rejections { get; } = new();

    /// <summary>Answer 503 to this many sends first (to exercise retries).</summary>
    public int FailFirstSends { get; set; }

    public string FinalStatus { get; set; } = "Succeeded";

    public sealed record Received(string OperationId, JsonNode Body);

    public static async Task<AcsStandIn> StartAsync()
    {
        var port = LocalProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new AcsStandIn(app, port, RandomNumberGenerator.GetBytes(32));
        app.MapPost("/emails:send", (Delegate)standIn.SendAsync);
        app.MapGet("/emails/operations/{id}", (Delegate)standIn.Poll);
        await app.StartAsync();
        return standIn;
    }

    private readonly ConcurrentDictionary<string, int> _pollCounts = new();

    private async Task<IResult> SendAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (Verify(context.Request, body) is { } problem)
        {
            Rejections.Enqueue(problem);
            return Results.Json(new { error = new { code = "Denied", message = problem } }, statusCode: 401);
        }

        if (context.Request.Query["api-version"] != "2023-03-31")
        {
            return Results.BadRequest();
        }

        var operationId = context.Request.Headers["Operation-Id"].ToString();
        Sends.Enqueue(new Received(operationId, JsonNode.Parse(body)!));
        if (Sends.Count <= FailFirstSends)
        {
            return Results.StatusCode(503);
        }

        context.Response.Headers["Operation-Location"] = $"http://127.0.0.1:{Port}/emails/operations/{operationId}?api-version=2023-03-31";
        return Results.Json(new { id = operationId, status = "Running" }, statusCode: 202);
    }

    private IResult Poll(string id, HttpContext context)
    {
        if (Verify(context.Request, []) is { } problem)
        {
            Rejections.Enqueue(problem);
            return Results.StatusCode(401);
        }

        Polls.Enqueue(id);
        var count = _pollCounts.AddOrUpdate(id, 1, (_, c) => c + 1);
        if (count == 1)
        {
            context.Response.Headers["Retry-After"] = "0";
            return Results.Json(new { id, status = "Running" });
        }

        return FinalStatus == "Succeeded"
            ? Results.Json(new { id, status = "Succeeded" })
            : Results.Json(new { id, status = FinalStatus, error = new { code = "EmailDroppedAllRecipientsSuppressed", message = "suppressed" } });
    }

    /// <summary>The documented scheme: HMAC-SHA256(key, "VERB\npathAndQuery\ndate;host;contentHash").</summary>
    private string? Verify(HttpRequest request, byte[] body)
    {
        var date = request.Headers["x-ms-date"].ToString();
        var contentHash = request.Headers["x-ms-content-sha256"].ToString();
        var authorization = request.Headers.Authorization.ToString();
        if (contentHash != Convert.ToBase64String(SHA256.HashData(body)))
        {
            return "content hash mismatch";
        }

        if (!DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
            || (DateTimeOffset.UtcNow - when).Duration() > TimeSpan.FromMinutes(15))
        {
            return "bad x-ms-date";
        }

        var pathAndQuery = request.Path + request.QueryString;
        var toSign = $"{request.Method}\n{pathAndQuery}\n{date};{request.Host};{contentHash}";
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(toSign)));
        return authorization == $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={expected}" ? null : "bad signature";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
