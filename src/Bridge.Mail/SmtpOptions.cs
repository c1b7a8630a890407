namespace Bridge.Mail;

/// <summary>Where and how the report is sent. Tls: none | starttls | starttls-when-available | tls (TLS from the first byte, usually port 465).</summary>
public sealed record SmtpOptions
{
    public string Host { get; init; } = "localhost";

    public int Port { get; init; } = 25;

    public string Tls { get; init; } = "starttls-when-available";

    /// <summary>Authenticates when set.</summary>
    public string? User { get; init; }

    public string? Password { get; init; }

    public required string From { get; init; }

    public required IReadOnlyList<string> To { get; init; }

    /// <summary>Tries in all, the first included.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The wait before the first retry; it doubles on each retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The limit on one attempt: connect, authenticate, send, quit.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <inheritdoc/>
    public override string ToString() =>
        $"SmtpOptions {{ Host = {Host}, Port = {Port}, Tls = {Tls}, User = {User}, Password = {(Password is null ? "(none)" : "***")}, From = {From}, To = {string.Join(", ", To)} }}";
}
