using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>Keeps every log line (message, state values and exception text) for assertions.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyCollection<LogLine> Lines => _lines.ToArray();

    public string AllText => string.Join("\n", _lines.Select(l => l.ToString()));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    public sealed record LogLine(string Category, LogLevel Level, int EventId, string Message, string State, string? Exception)
    {
        public override string ToString() => $"{Level} {Category}[{EventId}] {Message} | {State} | {Exception}";
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
                : state?.ToString() ?? "";
            lines.Enqueue(new LogLine(category, logLevel, eventId.Id, formatter(state, exception), values, exception?.ToString()));
        }
    }
}
