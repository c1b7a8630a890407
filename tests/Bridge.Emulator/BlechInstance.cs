namespace Bridge.Emulator;

/// One Blech database (one machine's Blech), driven the way Blech's UI, API and daemon would drive it.
public sealed partial class BlechInstance
{
    private readonly Dialect _dialect;

    internal BlechInstance(Dialect dialect, string hostname, string connectionString)
    {
        _dialect = dialect;
        Hostname = hostname;
        ConnectionString = connectionString;
    }

    public BlechEngine Engine => _dialect.Engine;

    public string Hostname { get; }

    public string ConnectionString { get; }

    /// Blech's clock, for serial bumps, updated_at and queue times. A value without a Kind is taken as UTC.
    public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;

    /// The server row's main_ip.
    public Task<string> GetMainIpAsync(CancellationToken ct = default) =>
        RunAsync(db => MainIpAsync(db), ct);

    /// Changes main_ip the way Blech's server settings page does: queues a 'server' row.
    public Task SetMainIpAsync(string ip, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            await db.ExecuteAsync("UPDATE server SET main_ip = @ip", new { ip });
            await QueueAsync(db, "server", null, "write", now);
            return 0;
        }, ct);

    /// Adds a row to ip_address (Blech's list of addresses the machine may serve on). Queues nothing.
    public Task AddIpAddressAsync(string address, string kind = "shared", string? note = null, CancellationToken ct = default) =>
        RunAsync(db => db.ExecuteAsync(
            "INSERT INTO ip_address (address, kind, note) VALUES (@address, @kind, @note)",
            new { address, kind, note }), ct);

    /// Removes a row from ip_address. Queues nothing.
    public Task DeleteIpAddressAsync(string address, CancellationToken ct = default) =>
        RunAsync(db => db.ExecuteAsync("DELETE FROM ip_address WHERE address = @address", new { address }), ct);

    /// Every ip_address.address in id order.
    public Task<IReadOnlyList<string>> GetIpAddressesAsync(CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<string>>(async db => await db.QueryAsync<string>("SELECT address FROM ip_address ORDER BY id"), ct);

    /// Raw SQL behind Blech's back: no queue row, no serial bump. Returns the affected row count.
    public Task<int> ExecuteAsync(string sql, object? param = null, CancellationToken ct = default) =>
        RunAsync(db => db.ExecuteAsync(sql, param), ct);

    /// Raw SQL behind Blech's back, returning the first column of the first row.
    public Task<T?> ScalarAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        RunAsync(db => db.ScalarAsync<T>(sql, param), ct);

    /// Raw SQL behind Blech's back, returning every row mapped by Dapper.
    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<T>>(async db => await db.QueryAsync<T>(sql, param), ct);

    /// regen_queue rows not yet done, in id order.
    public Task<IReadOnlyList<QueueRow>> GetPendingQueueAsync(CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<QueueRow>>(async db =>
            (await db.QueryAsync<QueueRowData>(QueueRowData.Select + " WHERE done_at IS NULL ORDER BY id"))
                .Select(r => r.ToRow()).ToList(), ct);

    /// Every regen_queue row, done or not, in id order.
    public Task<IReadOnlyList<QueueRow>> GetQueueAsync(CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<QueueRow>>(async db =>
            (await db.QueryAsync<QueueRowData>(QueueRowData.Select + " ORDER BY id"))
                .Select(r => r.ToRow()).ToList(), ct);

    /// Runs work in one transaction on a fresh pooled connection, committing when it returns.
    private async Task<T> RunAsync<T>(Func<Db, Task<T>> work, CancellationToken ct)
    {
        await using var connection = _dialect.CreateConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var result = await work(new Db(connection, transaction, ct));
        await transaction.CommitAsync(ct);
        return result;
    }

    // Both engines keep microseconds; truncating here makes what we write equal what we read back.
    private DateTime Now()
    {
        var t = UtcNow();
        t = t.Kind switch
        {
            DateTimeKind.Local => t.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(t, DateTimeKind.Utc),
            _ => t,
        };
        return new DateTime(t.Ticks - (t.Ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);
    }

    private static async Task<string> MainIpAsync(Db db) =>
        await db.ScalarAsync<string>("SELECT main_ip FROM server ORDER BY id")
        ?? throw new InvalidOperationException("The server table has no row.");

    private static Task QueueAsync(Db db, string objectType, int? objectId, string action, DateTime now) =>
        db.ExecuteAsync(
            "INSERT INTO regen_queue (object_type, object_id, action, queued_at) VALUES (@objectType, @objectId, @action, @now)",
            new { objectType, objectId, action, now });
}
