namespace Bridge.Mail.Tests;

/// <summary>Reports to render and send; the hashes are recognisable so a leak is easy to find.</summary>
internal static class Samples
{
    public const string ClientHashOld = "$6$rounds=5000$SECRETHASHCLIENTOLD$abc";
    public const string ClientHashNew = "$6$rounds=5000$SECRETHASHCLIENTNEW$def";
    public const string MailboxHashOld = "$6$rounds=5000$SECRETHASHMAILBOXOLD";
    public const string MailboxHashNew = "{SHA512-CRYPT}$6$rounds=5000$SECRETHASHMAILBOXNEW";
    public const string UnmarkedHash = "$6$salt$SECRETHASHUNMARKED";
    public const string RevertHash = "$6$salt$SECRETHASHREVERTED";
    public const string ReasonHash = "$6$x$SECRETHASHINREASON:1";
    public const string DkimSecret = "SECRETDKIMPRIVATEKEY";

    /// <summary>What every rendering and every received mail must leave out.</summary>
    public static readonly string[] Secrets = ["SECRETHASH", DkimSecret];

    public const string NastyKey = "<script>alert('x')</script> & \"co\"";

    public static readonly DateTime GeneratedAt = new(2025, 6, 2, 6, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime Since = new(2025, 6, 1, 6, 0, 0, DateTimeKind.Utc);

    public static DailyReport InSync() =>
        new("dale", "chip", GeneratedAt, Since, [], [], [], [], [], null);

    /// <summary>Seven changes pending (client 1/1/0, site 1/1/0, record 0/0/1, mailbox 0/1/0, alias 0/1/0), one failed run.</summary>
    public static DailyReport Mixed() =>
        new("dale", "chip", GeneratedAt, Since,
            Pending:
            [
                new("site", "update", "www.example.com", [new("document_root", "/srv/old", "/srv/new", false), new("aliases", "", "example.com", false)]),
                new("client", "insert", "bob", [new("name", null, "Bob Builder", false), new("password_hash", null, ClientHashNew, true)]),
                new("client", "update", "alice", [new("password_hash", ClientHashOld, ClientHashNew, true)]),
                new("site", "insert", NastyKey, [new("document_root", null, "/srv/<b>&", false)]),
                new("record", "delete", "example.com. old A 192.0.2.99", []),
                new("mailbox", "update", "info@example.com", [new("password_hash", MailboxHashOld, MailboxHashNew, true), new("quota_mb", "100", "200", false), new("hash", UnmarkedHash, "x", false)]),
                new("alias", "update", "sales@example.com", [new("dkim_private_key", DkimSecret + "1", DkimSecret + "2", true), new("destination", "a@example.com", "b@example.com", false)]),
            ],
            Reverted:
            [
                new(new DateTime(2025, 6, 1, 14, 0, 0, DateTimeKind.Utc), "site", "www.example.com", "ip_address", "192.0.2.10", "198.51.100.4"),
                new(new DateTime(2025, 6, 1, 15, 0, 0, DateTimeKind.Utc), "mailbox", "info@example.com", "password_hash", RevertHash, MailboxHashOld),
            ],
            Skipped:
            [
                new("mailbox", "bad box@example.com", "local part has a space"),
                new("mailbox", "sales@example.com", $"password hash {ReasonHash} has a colon"),
            ],
            Serials:
            [
                new("example.com.", 2025060101, 2025053102),
                new("example.net.", 2025060201, null),
            ],
            Runs:
            [
                new(new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc), new DateTime(2025, 6, 1, 12, 0, 42, DateTimeKind.Utc), "sync", "cron", "ok", "3 changes applied", null),
                new(new DateTime(2025, 6, 1, 8, 0, 0, DateTimeKind.Utc), new DateTime(2025, 6, 1, 8, 1, 5, DateTimeKind.Utc), "sync", "admin via Blech", "failed", null, "cannot reach chip's database"),
                new(new DateTime(2025, 6, 1, 18, 0, 0, DateTimeKind.Utc), new DateTime(2025, 6, 1, 18, 0, 1, DateTimeKind.Utc), "sync", "cron", "locked", "another run holds the lock", null),
            ],
            Error: null);

    /// <summary>A report with <paramref name="pending"/> site updates and <paramref name="failed"/> failed runs (plus one ok run).</summary>
    public static DailyReport WithCounts(int pending, int failed) =>
        InSync() with
        {
            Pending = [.. Enumerable.Range(0, pending).Select(i => new PendingChange("site", "update", $"s{i:000}.example.com", [new FieldDifference("php_version", "8.1", "8.2", false)]))],
            Runs =
            [
                new(Since.AddHours(1), Since.AddHours(1).AddSeconds(5), "sync", "cron", "ok", null, null),
                .. Enumerable.Range(0, failed).Select(i => new RunEntry(Since.AddHours(2 + i), Since.AddHours(2 + i).AddSeconds(5), "sync", "cron", "failed", null, "boom")),
            ],
        };
}
