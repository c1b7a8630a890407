using Microsoft.Extensions.Logging;

namespace Bridge.Runtime;

/// <summary>
/// How a log line reads, wherever it goes: <c>2026-11-30T05:25:58Z info  sync: Read 272 objects ...</c>. The category is the
/// component that logged it (sync, roles, apache, report, mail, ready, requests, config); an event id is never shown.
/// </summary>
public static class LogLine
{
    public static string Format(DateTime utc, LogLevel level, string category, string message) =>
        $"{utc:yyyy-MM-dd'T'HH:mm:ss'Z'} {Level(level),-5} {Component(category)}: {message}";

    /// <summary>The component of a category: the runtime's own names as they are, a type's full name as its project (<c>Bridge.Apache.X</c> is <c>apache</c>).</summary>
    public static string Component(string category)
    {
        var parts = category.Split('.');
        return parts.Length > 1 && parts[0] == "Bridge" ? parts[1].ToLowerInvariant() : category;
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
