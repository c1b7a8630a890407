using System.Globalization;
using Bridge.Core.Serials;

namespace Bridge.Core.Tests.Serials;

/// <summary>
/// Serial arithmetic that only the tests use: Blech's own bump, and how a zone could be reset to a lower serial in steps. Bridge
/// never does either (it only ever raises serials), so they live here, on top of <see cref="Serial"/>'s public rules.
/// </summary>
public static class SerialPlans
{
    private const long Modulus = 1L << 32;

    /// <summary>
    /// Blech's bump on any zone edit: when the serial's date part (serial / 100) is today or later, add 1 (so an <c>nn</c> past
    /// 99 rolls into the next day's date); otherwise today × 100 + 1, from the UTC clock.
    /// </summary>
    public static long BlechBump(long serial, DateTime utcNow)
    {
        Check(serial);
        var today = Today(utcNow);
        return serial / 100 >= today ? Serial.Next(serial) : (today * 100) + 1;
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
            var count = (int)((distance + Serial.MaxIncrement - 1) / Serial.MaxIncrement);
            var position = current;
            var remaining = distance;
            for (var i = count; i > 0; i--)
            {
                // Spread the distance so that no step exceeds the maximum: the first steps take what the later ones cannot.
                var step = remaining - ((i - 1) * Serial.MaxIncrement);
                step = Math.Clamp(step, 1, Serial.MaxIncrement);
                position = Serial.Add(position, step);
                remaining -= step;
                steps.Add(position);
            }
        }

        return new SerialResetPlan(current, target, steps, steps.Count > 1 ? refresh + retry : TimeSpan.Zero);
    }

    private static long Mod(long value) => ((value % Modulus) + Modulus) % Modulus;

    private static void Check(long serial)
    {
        if (!Serial.IsValid(serial))
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
