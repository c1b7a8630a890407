namespace Bridge.DatasetGen;

/// The random streams the dataset is drawn from; each names one purpose, so adding a draw to one never shifts another.
internal enum Stream : ulong
{
    Owner = 1,
    Client = 2,
    Site = 3,
    Zone = 4,
    Record = 5,
    MailDomain = 6,
    Mailbox = 7,
    Alias = 8,
    Change = 9,
    ChangeValue = 10,
}

/// SplitMix64: tiny, fast and fully specified here, so a seed gives the same data on every runtime and machine
/// (System.Random's seeded sequence is an implementation detail).
internal sealed class Rng
{
    private ulong _state;

    public Rng(ulong seed) => _state = seed;

    /// The generator for one object: the same (seed, stream, index) always draws the same values.
    public static Rng For(long seed, Stream stream, long index) =>
        new(Mix(Mix(Mix((ulong)seed) ^ ((ulong)stream * 0xD1B54A32D192ED03UL)) ^ (ulong)index));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// A number from 0 to <paramref name="n"/> - 1.
    public int Next(int n) => (int)(NextUInt64() % (ulong)n);

    public long NextLong(long n) => (long)(NextUInt64() % (ulong)n);

    /// True with probability <paramref name="p"/>.
    public bool Chance(double p) => (NextUInt64() >> 11) * (1.0 / (1UL << 53)) < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <paramref name="count"/> distinct items of <paramref name="items"/>, in random order.
    public List<T> PickDistinct<T>(IReadOnlyList<T> items, int count)
    {
        var copy = items.ToList();
        for (var i = 0; i < count; i++)
        {
            var j = i + Next(copy.Count - i);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy.GetRange(0, count);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
