namespace Bridge.Core;

/// <summary>
/// Dates Bridge recorded by this machine's clock and reads back later. A date later than the clock by more than two machines'
/// clocks differ was recorded before the clock was set back: how long ago that was is unknown, and trusted, the date would
/// pass for recent until the clock caught up with it.
/// </summary>
public static class Clocks
{
    /// <summary>How far a recorded date may be later than this machine's clock and still be taken as it says.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMinutes(5);

    /// <summary>Whether <paramref name="recorded"/> is later than <paramref name="now"/> by more than <see cref="Slack"/>.</summary>
    public static bool IsAhead(DateTime recorded, DateTime now) => recorded - now > Slack;
}
