namespace Bridge.Core.Model;

/// <summary>The kinds of Blech object that Bridge keeps in step, in foreign-key order (parents first).</summary>
public enum ObjectKind
{
    Client,
    Site,
    Zone,
    Record,
    MailDomain,
    Mailbox,
    Alias,
}

/// <summary>Names of the kinds as reports and JSON spell them.</summary>
public static class ObjectKinds
{
    public static readonly IReadOnlyList<ObjectKind> All = Enum.GetValues<ObjectKind>();

    public static string Name(this ObjectKind kind) => kind switch
    {
        ObjectKind.Client => "client",
        ObjectKind.Site => "site",
        ObjectKind.Zone => "zone",
        ObjectKind.Record => "record",
        ObjectKind.MailDomain => "mail_domain",
        ObjectKind.Mailbox => "mailbox",
        ObjectKind.Alias => "alias",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
