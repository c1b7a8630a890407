using Bridge.Core.Serials;

namespace Bridge.Core.Tests.Serials;

public sealed class SerialTests
{
    [TestCase(2L, 1L, true)]
    [TestCase(1L, 2L, false)]
    [TestCase(5L, 5L, false)]
    [TestCase(0L, 4294967295L, true, TestName = "wrap: 0 is newer than 4294967295")]
    [TestCase(4294967295L, 0L, false)]
    [TestCase(2147483648L, 0L, false, TestName = "exactly half-way is not newer")]
    [TestCase(0L, 2147483648L, false, TestName = "exactly half-way is not newer either way")]
    [TestCase(2147483647L, 0L, true, TestName = "just under half-way is newer")]
    [TestCase(2147483649L, 0L, false, TestName = "just past half-way is older")]
    public void IsNewerFollowsRFC1982(long candidate, long than, bool newer) =>
        Assert.That(Serial.IsNewer(candidate, than), Is.EqualTo(newer));

    [Test]
    public void AddingOneToTheLargestSerialWrapsToZeroWhichIsNewer()
    {
        Assert.That(Serial.Next(4294967295), Is.Zero);
        Assert.That(Serial.IsNewer(Serial.Next(4294967295), 4294967295), Is.True);
    }

    [TestCase(-1L)]
    [TestCase(2147483648L)]
    public void AddRefusesIncrementsOutside0To2ToThe31Minus1(long increment) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Serial.Add(1, increment));

    [TestCase(4294967296L)]
    [TestCase(-1L)]
    public void SerialsOutside32BitsAreRefused(long serial) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Serial.Next(serial));

    [TestCase(2026112500L, 2026112501L, TestName = "today: add one")]
    [TestCase(2026112598L, 2026112599L, TestName = "the 99th edit of the day")]
    [TestCase(2026112599L, 2026112600L, TestName = "past 99 rolls into the next day's date")]
    [TestCase(2026112605L, 2026112606L, TestName = "a future date part adds one")]
    [TestCase(2026112401L, 2026112501L, TestName = "yesterday: today x 100 + 1")]
    [TestCase(7L, 2026112501L, TestName = "a small serial becomes today's first")]
    [TestCase(4294967295L, 0L, TestName = "the largest serial wraps, still newer")]
    public void BlechBumpFollowsBlechsRule(long serial, long expected) =>
        Assert.That(SerialPlans.BlechBump(serial, new DateTime(2026, 11, 25, 23, 59, 0, DateTimeKind.Utc)), Is.EqualTo(expected));

    [Test]
    public void AHundredEditsInADayNeverGoBackwards()
    {
        var now = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
        var s = SerialPlans.BlechBump(2026112401, now);
        for (var i = 0; i < 150; i++)
        {
            var next = SerialPlans.BlechBump(s, now);
            Assert.That(Serial.IsNewer(next, s), Is.True, $"edit {i}: {next} after {s}");
            s = next;
        }

        Assert.That(s, Is.EqualTo(2026112651L), "151 edits from today's first: 99 today, the rest roll into tomorrow's date");
    }

    [Test]
    public void NewestPicksBySequenceSpaceNotByNumber() =>
        Assert.That(Serial.Newest(4294967290, 3, 4294967295), Is.EqualTo(3L));

    [Test]
    public void ASerialGoingUpNeedsOneStep()
    {
        var plan = SerialPlans.PlanReset(100, 5000, TimeSpan.FromHours(3), TimeSpan.FromHours(1));
        Assert.That(plan.Steps, Is.EqualTo(new[] { 5000L }));
        Assert.That(plan.WaitBetweenSteps, Is.EqualTo(TimeSpan.Zero));
    }

    [TestCase(2026112501L, 2026010101L)]
    [TestCase(1L, 4000000000L)]
    [TestCase(1000L, 999L, TestName = "down by exactly one takes three steps")]
    [TestCase(3000000000L, 852516352L, TestName = "exactly half-way away")]
    public void ASerialComingDownTakesStepsEachNewerThanTheLast(long from, long to)
    {
        var plan = SerialPlans.PlanReset(from, to, TimeSpan.FromHours(3), TimeSpan.FromHours(1));
        Assert.That(plan.Steps, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(plan.Steps[^1], Is.EqualTo(to));
        var previous = from;
        foreach (var step in plan.Steps)
        {
            Assert.That(Serial.IsNewer(step, previous), Is.True, $"{step} must be newer than {previous} ({plan})");
            previous = step;
        }

        Assert.That(plan.WaitBetweenSteps, Is.EqualTo(TimeSpan.FromHours(4)), "refresh plus retry");
    }

    [Test]
    public void DownByOneIsThreeSteps() =>
        Assert.That(SerialPlans.PlanReset(1000, 999, TimeSpan.FromHours(1), TimeSpan.Zero).Steps, Has.Count.EqualTo(3));

    [Test]
    public void TheSameSerialNeedsNoStep() =>
        Assert.That(SerialPlans.PlanReset(42, 42, TimeSpan.FromHours(1), TimeSpan.Zero).Steps, Is.Empty);
}
