namespace Bridge.Core.Model;

/// <summary>One compared value of an object: its normalized text (null for SQL NULL) and whether it is a secret.</summary>
public readonly record struct FieldValue(string Name, string? Value, bool Secret = false);

/// <summary>A field whose normalized value differs between the two sides. Secret values are never shown, only that they changed.</summary>
public sealed record FieldChange(string Name, string? From, string? To, bool Secret)
{
    public override string ToString() => Secret ? $"{Name} changed" : $"{Name}: {Show(From)} -> {Show(To)}";

    private static string Show(string? v) => v is null ? "NULL" : v.Length > 60 ? $"'{v[..57]}...'" : $"'{v}'";
}

/// <summary>
/// A Blech object in normalized form, keyed by its natural key. <see cref="Row"/> is the typed row to write (for the peer's
/// objects, already mapped to the standby's addresses) or, for the standby's, the row as read, with its id.
/// </summary>
public sealed record SyncItem(ObjectKind Kind, string Key, string? ParentKey, IReadOnlyList<FieldValue> Fields, object Row)
{
    /// <summary>The id of the row on the side it was read from.</summary>
    public int Id => Row switch
    {
        ClientRow r => r.Id,
        SiteRow r => r.Id,
        ZoneRow r => r.Id,
        RecordRow r => r.Id,
        MailDomainRow r => r.Id,
        MailboxRow r => r.Id,
        AliasRow r => r.Id,
        _ => throw new InvalidOperationException($"unexpected row type {Row.GetType().Name}"),
    };

    /// <summary>When the row was last written on the side it was read from, when known.</summary>
    public DateTime? UpdatedAt => Row switch
    {
        ClientRow r => r.UpdatedAt,
        SiteRow r => r.UpdatedAt,
        ZoneRow r => r.UpdatedAt,
        RecordRow r => r.UpdatedAt,
        MailDomainRow r => r.UpdatedAt,
        MailboxRow r => r.UpdatedAt,
        AliasRow r => r.UpdatedAt,
        _ => null,
    };
}

/// <summary>A peer object left out of the run, with the reason. Nothing of it reaches the standby.</summary>
public sealed record SkippedObject(ObjectKind Kind, string Key, string Reason);
