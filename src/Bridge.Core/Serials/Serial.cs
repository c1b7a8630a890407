namespace Bridge.Core.Serials;

/// <summary>
/// SOA serial arithmetic (RFC 1982, 32 bits). Serials are held in <see cref="long"/> because
/// Blech stores them as <c>bigint</c>; every valid one is in 0..4294967295.
/// </summary>
public static class Serial
{
    public const long Max = uint.MaxValue;

    /// <summary>The largest step RFC 1982 allows: 2^31 - 1.</summary>
    public const long MaxIncrement = int.MaxValue;

    private const long Modulus = 1L << 32;
    private const long Half = 1L << 31;

    public static bool IsValid(long serial) => serial is >= 0 and <= Max;

    /// <summary>
    /// True when <paramref name="candidate"/> is newer than <paramref name="than"/> in sequence space. Exactly half-way apart is
    /// undefined in RFC 1982; like BIND, Bridge counts it as not newer.
    /// </summary>
    public static bool IsNewer(long candidate, long than)
    {
        Check(candidate);
        Check(than);
        var distance = Mod(candidate - than);
        return distance is > 0 and < Half;
    }

    /// <summary><paramref name="serial"/> + <paramref name="increment"/> modulo 2^32; the increment must be 0..2^31-1.</summary>
    public static long Add(long serial, long increment)
    {
        Check(serial);
        if (increment is < 0 or > MaxIncrement)
        {
            throw new ArgumentOutOfRangeException(nameof(increment), increment, "RFC 1982 allows adding 0 to 2147483647");
        }

        return Mod(serial + increment);
    }

    public static long Next(long serial) => Add(serial, 1);

    /// <summary>The newest of the serials (RFC 1982 order, which is well defined only for serials within 2^31 of each other).</summary>
    public static long Newest(long first, params ReadOnlySpan<long> others)
    {
        var newest = first;
        foreach (var s in others)
        {
            if (IsNewer(s, newest))
            {
                newest = s;
            }
        }

        return newest;
    }

    private static long Mod(long value) => ((value % Modulus) + Modulus) % Modulus;

    private static void Check(long serial)
    {
        if (!IsValid(serial))
        {
            throw new ArgumentOutOfRangeException(nameof(serial), serial, "a serial is 0 to 4294967295");
        }
    }
}
