using System.Globalization;

namespace Bridge.Core.Serials;

/// <summary>
/// SOA serial arithmetic (RFC 1982, 32 bits) and Blech's YYYYMMDDnn bump. Serials are held in <see cref="long"/> because
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

    /// <summary>
    /// Blech's bump on any zone edit: when the serial's date part (serial / 100) is today or later, add 1 (so an <c>nn</c> past
    /// 99 rolls into the next day's date); otherwise today × 100 + 1, from the UTC clock.
    /// </summary>
    public static long BlechBump(long serial, DateTime utcNow)
    {
        Check(serial);
        var today = Today(utcNow);
        return serial / 100 >= today ? Next(serial) : (today * 100) + 1;
    }

    /// <summary>Today as the number YYYYMMDD (UTC).</summary>
    public static long Today(DateTime utcNow) => long.Parse(utcNow.ToUniversalTime().ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>
    /// How to bring a zone from <paramref name="current"/> to <paramref name="target"/> so that every secondary follows (RFC 1982 §7,
    /// RFC 1912 §3.1): each step is at most 2^31 - 1 ahead of the one before, so a serial that must come down takes two steps
    /// (three when it must come down by exactly one). Between steps wait until every secondary has loaded the last one: at least
    /// the zone's refresh plus retry interval, sooner only when every secondary is known to have it (NOTIFY, a checked SOA).
    /// </summary>
    public static SerialResetPlan PlanReset(long current, long target, TimeSpan refresh, TimeSpan retry)
    {
        Check(current);
        Check(target);
        var distance = Mod(target - current);
        var steps = new List<long>();
        if (distance > 0)
        {
            var count = (int)((distance + MaxIncrement - 1) / MaxIncrement);
            var position = current;
            var remaining = distance;
            for (var i = count; i > 0; i--)
            {
                // Spread the distance so that no step exceeds the maximum: the first steps take what the later ones cannot.
                var step = remaining - ((i - 1) * MaxIncrement);
                step = Math.Clamp(step, 1, MaxIncrement);
                position = Add(position, step);
                remaining -= step;
                steps.Add(position);
            }
        }

        return new SerialResetPlan(current, target, steps, steps.Count > 1 ? refresh + retry : TimeSpan.Zero);
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

/// <summary>The serials to publish one after another, and how long to wait between two of them.</summary>
public sealed record SerialResetPlan(long From, long To, IReadOnlyList<long> Steps, TimeSpan WaitBetweenSteps)
{
    public override string ToString() => Steps.Count switch
    {
        0 => $"serial {From} is already {To}",
        1 => $"set serial {From} to {To} (newer, one step)",
        _ => $"set serial {From} to {string.Join(", then ", Steps)}, waiting {WaitBetweenSteps.TotalSeconds:0} s between steps",
    };
}
