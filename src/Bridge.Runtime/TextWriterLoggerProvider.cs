using Microsoft.Extensions.Logging;

namespace Bridge.Runtime;

/// <summary>Writes log lines to a given writer; used when the app runs inside another process (tests, the plugin hook, the request server).</summary>
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
                lock (writer)
                {
                    writer.WriteLine(LogLine.Format(DateTime.UtcNow, logLevel, category, formatter(state, exception)));
                }
            }
        }
    }
}
