using Bridge.Core.Model;
using Bridge.Data.Engine;
using Bridge.Data.Schema;

namespace Bridge.Data.Apply;

/// <summary>
/// The columns Bridge inserts into each Blech table, with their types, from the tables' one description (<see cref="BlechTables"/>;
/// the id is the database's). Updates take <see cref="BlechTable.Update"/>: the id, then every column outside the natural key.
/// </summary>
internal static class BlechColumns
{
    public static readonly BulkColumn[] ClientInsert = BlechTables.Of(ObjectKind.Client).Insert();

    public static readonly BulkColumn[] SiteInsert = BlechTables.Of(ObjectKind.Site).Insert();

    public static readonly BulkColumn[] ZoneInsert = BlechTables.Of(ObjectKind.Zone).Insert();

    public static readonly BulkColumn[] RecordInsert = BlechTables.Of(ObjectKind.Record).Insert();

    public static readonly BulkColumn[] MailDomainInsert = BlechTables.Of(ObjectKind.MailDomain).Insert();

    public static readonly BulkColumn[] MailboxInsert = BlechTables.Of(ObjectKind.Mailbox).Insert();

    public static readonly BulkColumn[] AliasInsert = BlechTables.Of(ObjectKind.Alias).Insert();

    // Blech marks a row done itself.
    public static readonly BulkColumn[] RegenQueueInsert = BlechTables.RegenQueue.Insert("done_at");
}
