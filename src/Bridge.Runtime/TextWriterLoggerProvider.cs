using Microsoft.Extensions.Logging;

namespace Bridge.Runtime;

/// <summary>
/// Writes <see cref="LogLine"/>s (information and above) straight to a writer: standard error for the command, a captured
/// writer in tests and in the request server. No dependency injection, options or background queue behind it: a run that
/// does little starts faster, and its lines come out in order with what it prints.
/// </summary>
public sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider, ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new WriterLogger(writer, categoryName);

    /// <summary>As a factory, this provider is the only one.</summary>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class WriterLogger(TextWriter writer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var message = formatter(state, exception);
                if (exception is not null)
                {
                    message = $"{message} ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})";
                }

                lock (writer)
                {
                    writer.WriteLine(LogLine.Format(DateTime.UtcNow, logLevel, category, message));
                }
            }
        }
    }
}
