namespace Bridge.Mail;

/// <summary>The report could not be sent, after every attempt allowed. The message names host:port and the reason, never the password.</summary>
public sealed class ReportSendException : Exception
{
    public ReportSendException()
        : this("Sending the report failed.")
    {
    }

    public ReportSendException(string message)
        : base(message)
    {
        Host = string.Empty;
    }

    public ReportSendException(string message, Exception innerException)
        : base(message, innerException)
    {
        Host = string.Empty;
    }

    public ReportSendException(string host, int port, int attempts, string reason, Exception? innerException)
        : base($"Sending the report to {host}:{port} failed after {(attempts == 1 ? "1 attempt" : $"{attempts} attempts")}: {reason}", innerException)
    {
        Host = host;
        Port = port;
        Attempts = attempts;
        Reason = reason;
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; }

    public string? Reason { get; }
}
