namespace Bridge.Emulator;

/// Blech's zone serial arithmetic (YYYYMMDDnn from the machine's UTC clock).
public static class BlechSerial
{
    /// Today's date as the number yyyyMMdd.
    public static long Today(DateTime utcNow) => (utcNow.Year * 10000L) + (utcNow.Month * 100L) + utcNow.Day;

    /// The serial Blech gives a new zone.
    public static long Initial(DateTime utcNow) => (Today(utcNow) * 100) + 1;

    /// The serial after a change: a date part of today or later adds 1, an older one restarts at today × 100 + 1.
    public static long Next(long current, DateTime utcNow) =>
        current / 100 >= Today(utcNow) ? current + 1 : Initial(utcNow);
}
