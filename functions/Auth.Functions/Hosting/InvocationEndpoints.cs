using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Auth.Functions.Hosting;

/// <summary>
/// Non-HTTP functions under the Functions host: the host POSTs an invocation payload to
/// <c>/{FunctionName}</c> and needs a JSON answer (<c>Outputs</c>, <c>Logs</c>, <c>ReturnValue</c>); a non-2xx
/// answer fails the invocation. Mapped only under the host, never on a public listener.
/// </summary>
public static partial class InvocationEndpoints
{
    public static IEndpointRouteBuilder MapQueueInvocations(this IEndpointRouteBuilder app)
    {
        foreach (var function in app.ServiceProvider.GetServices<IQueueFunction>())
        {
            app.MapPost("/" + function.FunctionName, (HttpRequest request, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                InvokeQueueAsync(function, request, loggers.CreateLogger(typeof(InvocationEndpoints)), cancellationToken))
                .ExcludeFromDescription();
        }

        return app;
    }

    public static IEndpointRouteBuilder MapTimerInvocations(this IEndpointRouteBuilder app)
    {
        foreach (var function in app.ServiceProvider.GetServices<ITimerFunction>())
        {
            app.MapPost("/" + function.FunctionName, (ILoggerFactory loggers, CancellationToken cancellationToken) =>
                InvokeTimerAsync(function, loggers.CreateLogger(typeof(InvocationEndpoints)), cancellationToken))
                .ExcludeFromDescription();
        }

        return app;
    }

    private static async Task<IResult> InvokeTimerAsync(ITimerFunction function, ILogger logger, CancellationToken cancellationToken)
    {
        // The payload (schedule status, IsPastDue) changes nothing: every run purges whatever is due.
        try
        {
            var summary = await function.RunAsync(cancellationToken);
            return Response(StatusCodes.Status200OK, $"{function.FunctionName}: {summary}.");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimerFailed(logger, e, function.FunctionName);
            return Response(StatusCodes.Status500InternalServerError, $"{function.FunctionName} failed; it runs again at the next occurrence.");
        }
    }

    private static async Task<IResult> InvokeQueueAsync(IQueueFunction function, HttpRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        QueueInvocation invocation;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            invocation = QueueInvocation.Parse(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return Response(StatusCodes.Status400BadRequest, $"{function.FunctionName}: the invocation payload could not be read.");
        }

        try
        {
            var outcome = await function.HandleAsync(invocation.MessageText, cancellationToken);
            return Response(StatusCodes.Status200OK, $"{function.FunctionName} message {invocation.Id}: {outcome}.");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, e, function.FunctionName, invocation.Id, invocation.DequeueCount);
            // Non-2xx: the host makes the message visible again and poisons it after maxDequeueCount.
            return Response(StatusCodes.Status500InternalServerError, $"{function.FunctionName} message {invocation.Id} failed on delivery {invocation.DequeueCount}.");
        }
    }

    /// <summary>The custom-handler response payload, always JSON, whatever the status.</summary>
    public static IResult Response(int status, params string[] logs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Outputs");
            writer.WriteEndObject();
            writer.WriteStartArray("Logs");
            foreach (var line in logs)
            {
                writer.WriteStringValue(line);
            }

            writer.WriteEndArray();
            writer.WriteNull("ReturnValue");
            writer.WriteEndObject();
        }

        return new JsonBytesResult(status, buffer.WrittenMemory.ToArray());
    }

    private sealed class JsonBytesResult(int status, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json";
            return httpContext.Response.Body.WriteAsync(body).AsTask();
        }
    }

    [LoggerMessage(EventId = 211, Level = LogLevel.Error, Message = "{Function} failed.")]
    private static partial void LogTimerFailed(ILogger logger, Exception exception, string function);

    [LoggerMessage(EventId = 210, Level = LogLevel.Error, Message = "{Function} failed on message {MessageId} (delivery {DequeueCount}).")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function, string messageId, long dequeueCount);
}

/// <summary>
/// A queue invocation as the host really sends it: <c>Data.message</c> may be the message text, or
/// that text JSON-encoded a second time; numbers may arrive as strings and strings quoted twice.
/// </summary>
public sealed record QueueInvocation(string MessageText, string Id, long DequeueCount)
{
    public static QueueInvocation Parse(JsonElement root)
    {
        var data = root.GetProperty("Data");
        var message = data.TryGetProperty("message", out var m) ? m : data.EnumerateObject().First().Value;
        var text = message.ValueKind == JsonValueKind.String ? Unquote(message.GetString()!) : message.GetRawText();
        long dequeueCount = 1;
        var id = "";
        if (root.TryGetProperty("Metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            if (metadata.TryGetProperty(nameof(DequeueCount), out var count))
            {
                dequeueCount = count.ValueKind == JsonValueKind.Number
                    ? count.GetInt64()
                    : long.Parse(Unquote(count.GetString()!), NumberStyles.None, CultureInfo.InvariantCulture);
            }

            if (metadata.TryGetProperty(nameof(Id), out var idElement) && idElement.ValueKind == JsonValueKind.String)
            {
                id = Unquote(idElement.GetString()!);
            }
        }

        return new QueueInvocation(text, id, dequeueCount);
    }

    /// <summary>"\"abc\"" is the JSON encoding of "abc": decode it once more.</summary>
    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            try
            {
                return JsonSerializer.Deserialize(value, Http.AppJsonContext.Default.String) ?? value;
            }
            catch (JsonException)
            {
                return value;
            }
        }

        return value;
    }
}
