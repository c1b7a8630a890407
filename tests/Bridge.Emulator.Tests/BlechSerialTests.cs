using Bridge.Emulator;

namespace Bridge.Emulator.Tests;

/// The serial arithmetic alone, no server needed.
public sealed class BlechSerialTests
{
    private static readonly DateTime Pi = new(2025, 3, 14, 23, 59, 59, DateTimeKind.Utc);

    [Test]
    public void TodayIsTheUtcDateAsANumber() => Assert.That(BlechSerial.Today(Pi), Is.EqualTo(20250314));

    [TestCase(2025031401L, 2025031402L)]
    [TestCase(2025031499L, 2025031500L)] // the 100th change of a day spills into tomorrow's date part, as YYYYMMDDnn does
    [TestCase(2025031301L, 2025031401L)]
    [TestCase(1L, 2025031401L)]
    [TestCase(2030010105L, 2030010106L)]
    public void NextFollowsBlechsRule(long current, long expected) =>
        Assert.That(BlechSerial.Next(current, Pi), Is.EqualTo(expected));
}
