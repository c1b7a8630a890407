using System.Data.Common;
using Bridge.Core.Incremental;
using Bridge.Core.Model;
using Bridge.Data.Engine;

namespace Bridge.Data.Read;

/// <summary>
/// Reads Blech's tables into a <see cref="BlechSnapshot"/>, each with the SELECT its description in <c>BlechTables</c> gives
/// (parents joined in by natural key). Typed getters by ordinal, in the description's column order, because a large host has
/// some 300,000 rows a side.
/// </summary>
public static class SnapshotReader
{
    /// <summary>
    /// Reads Blech's rows; with <paramref name="only"/>, of each kind only the rows with the ids it lists (a kind it maps to
    /// null is read whole), in the statements the engine's dialect makes for them. The server and address tables are always
    /// read whole.
    /// </summary>
    public static Task<BlechSnapshot> ReadAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct, Run.RunProgress? progress = null,
        (IEngineDialect Dialect, IReadOnlyDictionary<ObjectKind, HashSet<int>?> Ids)? only = null, Action<BlechSnapshot>? early = null) =>
        ReadAsync(connection, transaction, ct, progress, only, listing: null, early);

    /// <summary>
    /// Reads every row, and lists each as <see cref="RowListing"/> would, in the same statements: a run that compares everything
    /// scans each table once, not once to list it and again to read it.
    /// </summary>
    public static async Task<(BlechSnapshot Snapshot, Listing Listing)> ReadListedAsync(DbConnection connection, DbTransaction transaction, IEngineDialect dialect,
        CancellationToken ct, Run.RunProgress? progress = null, Action<BlechSnapshot>? early = null)
    {
        var listing = new Listing();
        return (await ReadAsync(connection, transaction, ct, progress, only: null, (dialect, listing), early), listing);
    }

    // The early kinds (Normalizer.EarlyKinds) are read first; early, when given, gets them as soon as they are (a snapshot whose
    // zones and records are still empty, and whose lists the whole snapshot shares), so that they can be normalized and written
    // while the zones and records (most of the rows) are still being read.
    private static async Task<BlechSnapshot> ReadAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct, Run.RunProgress? progress,
        (IEngineDialect Dialect, IReadOnlyDictionary<ObjectKind, HashSet<int>?> Ids)? only, (IEngineDialect Dialect, Listing Into)? listing,
        Action<BlechSnapshot>? early)
    {
        // Each row read is counted for the progress lines of a long run.
        Func<DbDataReader, T> Counted<T>(Func<DbDataReader, T> map) => progress is null ? map : r =>
        {
            progress.AddRead(1);
            return map(r);
        };

        Task<List<T>> RowsAsync<T>(ObjectKind kind, Func<DbDataReader, T> map, CancellationToken token)
        {
            var table = Schema.BlechTables.Of(kind);
            (IEngineDialect, HashSet<int>)? filter = only is var (engine, ids) && ids[kind] is { } these ? (engine, these) : null;
            if (listing is not var (dialect, into))
            {
                return FilteredAsync(connection, transaction, table.Select(), "t.id", filter, map, token);
            }

            // The listing's columns follow the row's own.
            var marks = into[kind];
            var first = table.Columns.Count;
            bool? intParent = null;
            return FilteredAsync(connection, transaction, table.Select(RowListing.MarkColumns(dialect, table, "t")), "t.id", filter, r =>
            {
                intParent ??= r.GetFieldType(first) == typeof(int);
                marks[r.GetInt32(0)] = RowListing.Mark(r, first, intParent.Value);
                return map(r);
            }, token);
        }

        // A parent's key, a record's type: the same few texts in row after row. Each row's copy is dropped for one kept copy, so
        // that a large read keeps one string per distinct value, not per row (all of them live until the run ends, and the
        // collector walks them at every collection).
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string text)
        {
            if (texts.TryGetValue(text, out var kept))
            {
                return kept;
            }

            texts[text] = text;
            return text;
        }

        var server = await Query.ListAsync(connection, transaction, "SELECT main_ip, hostname FROM server ORDER BY id", r => (MainIp: r.GetString(0), Hostname: r.GetString(1)), ct);
        var ips = await Query.ListAsync(connection, transaction, "SELECT address FROM ip_address ORDER BY id", r => r.GetString(0), ct);

        if (server.Count == 0)
        {
            throw new InvalidDataException("Blech's server table is empty: this does not look like a Blech database");
        }

        var clients = await RowsAsync(ObjectKind.Client,
            Counted(r => new ClientRow(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetBoolean(5), Utc(r, 6))), ct);

        var sites = await RowsAsync(ObjectKind.Site,
            Counted(r => new SiteRow(r.GetInt32(0), Shared(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), NullableInt(r, 6),
                r.GetString(7), NullableString(r, 8), NullableString(r, 9), NullableString(r, 10), NullableString(r, 11), r.GetBoolean(12), Utc(r, 13))), ct);

        var mailDomains = await RowsAsync(ObjectKind.MailDomain,
            Counted(r => new MailDomainRow(r.GetInt32(0), Shared(r.GetString(1)), r.GetString(2), r.GetBoolean(3), Utc(r, 4))), ct);

        var mailboxes = await RowsAsync(ObjectKind.Mailbox,
            Counted(r => new MailboxRow(r.GetInt32(0), Shared(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetInt32(4), NullableString(r, 5), r.GetBoolean(6), Utc(r, 7))), ct);

        var aliases = await RowsAsync(ObjectKind.Alias,
            Counted(r => new AliasRow(r.GetInt32(0), Shared(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetBoolean(4), Utc(r, 5))), ct);

        early?.Invoke(new BlechSnapshot(server[0].MainIp, ips, clients, sites, [], [], mailDomains, mailboxes, aliases, server[0].Hostname));

        var zones = await RowsAsync(ObjectKind.Zone,
            Counted(r => new ZoneRow(r.GetInt32(0), Shared(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt32(6), r.GetInt32(7),
                r.GetInt32(8), r.GetInt32(9), r.GetInt32(10), r.GetBoolean(11), Utc(r, 12))), ct);

        var records = await RowsAsync(ObjectKind.Record,
            Counted(r => new RecordRow(r.GetInt32(0), Shared(r.GetString(1)), r.GetString(2), Shared(r.GetString(3)), NullableInt(r, 4), NullableInt(r, 5), r.GetString(6), r.GetBoolean(7), Utc(r, 8))), ct);

        return new BlechSnapshot(server[0].MainIp, ips, clients, sites, zones, records, mailDomains, mailboxes, aliases, server[0].Hostname);
    }

    // The rows of one kind: all of them, or those whose ids the filter lists (in the statements the engine reads them best by),
    // in id order either way.
    private static async Task<List<T>> FilteredAsync<T>(DbConnection connection, DbTransaction? transaction, string select, string idColumn,
        (IEngineDialect Dialect, HashSet<int> Ids)? filter, Func<DbDataReader, T> map, CancellationToken ct)
    {
        if (filter is not var (dialect, ids))
        {
            return await Query.ListAsync(connection, transaction, $"{select} ORDER BY {idColumn}", map, ct);
        }

        var rows = new List<T>(ids.Count);
        foreach (var (sql, parameters) in dialect.SelectByIds(select, idColumn, ids, ordered: true))
        {
            rows.AddRange(await Query.ListAsync(connection, transaction, sql, map, ct, parameters));
        }

        return rows;
    }

    // timestamptz arrives as UTC; MariaDB's DATETIME(6) holds UTC by Blech's convention but arrives unspecified.
    private static DateTime Utc(DbDataReader r, int i) => DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);

    private static int? NullableInt(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
