using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Bridge.Mail.Tests;

/// <summary>Keeps every log line, formatted, to count attempts and to look for leaks.</summary>
internal sealed class CountingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public int Count(string contains) => Entries.Count(e => e.Message.Contains(contains, StringComparison.Ordinal));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception)));
}
