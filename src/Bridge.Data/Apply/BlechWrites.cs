namespace Bridge.Data.Apply;

/// <summary>The rows Bridge adds to Blech's own bookkeeping tables, written the way Blech writes them, each in one place.</summary>
internal static class BlechWrites
{
    /// <summary>One <c>regen_queue</c> row per object, so that <c>blechd</c> rewrites (or removes) exactly those files.</summary>
    public static Task QueueRegenerationAsync(Statements sql, IReadOnlyList<(string Type, int? Id, string Action)> objects, DateTime now, CancellationToken ct) =>
        objects.Count == 0
            ? Task.CompletedTask
            : sql.InsertBulkAsync("regen_queue", BlechColumns.RegenQueueInsert, objects.Select(o => new object?[] { o.Type, o.Id, o.Action, now }).ToList(), ct);

    /// <summary>Registers an address in <c>ip_address</c> as a shared one, so that Blech's repair rule keeps sites on it.</summary>
    public static Task RegisterAddressAsync(Statements sql, string address, CancellationToken ct) =>
        sql.ExecuteAsync($"INSERT INTO ip_address (address, kind, note) VALUES ({sql.Placeholder(0)}, 'shared', {sql.Placeholder(1)})",
            [address, "service address, registered by Bridge"], ct);
}
