namespace Bridge.DatasetGen;

/// How many rows of each kind a named size holds; <c>small</c> is a tenth of <c>large</c>, <c>huge</c> ten times.
public sealed record DatasetSize(
    string Name,
    int Clients,
    int Sites,
    int Zones,
    int RecordsPerZone,
    int MailDomains,
    int Mailboxes,
    int Aliases)
{
    public static readonly DatasetSize Small = Scaled("small", 1, 10);

    public static readonly DatasetSize Large = Scaled("large", 1, 1);

    public static readonly DatasetSize Huge = Scaled("huge", 10, 1);

    public static IReadOnlyList<DatasetSize> All { get; } = [Small, Large, Huge];

    public int Records => Zones * RecordsPerZone;

    /// Rows of the content tables (server, ip_address and regen_queue not counted).
    public int TotalRows => Clients + Sites + Zones + Records + MailDomains + Mailboxes + Aliases;

    /// The size called <paramref name="name"/>, or null.
    public static DatasetSize? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    private static DatasetSize Scaled(string name, int times, int divide) => new(
        name,
        Clients: 5_000 * times / divide,
        Sites: 10_000 * times / divide,
        Zones: 10_000 * times / divide,
        RecordsPerZone: 20,
        MailDomains: 10_000 * times / divide,
        Mailboxes: 50_000 * times / divide,
        Aliases: 10_000 * times / divide);
}
