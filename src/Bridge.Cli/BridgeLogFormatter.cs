using Bridge.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Bridge.Cli;

/// <summary>The console's log lines in <see cref="LogLine"/>'s form: UTC time, level, component, message; no event ids, no colours.</summary>
public sealed class BridgeLogFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "bridge";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is { } e)
        {
            message = $"{message} ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})";
        }

        textWriter.WriteLine(LogLine.Format(DateTime.UtcNow, logEntry.LogLevel, logEntry.Category, message));
    }
}
