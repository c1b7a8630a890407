using Bridge.Core.Readiness;

namespace Bridge.Core.Tests.Readiness;

/// <summary>The generated files as BLECH.md documents them, and dig's answers, read back.</summary>
[TestFixture]
public sealed class ServedFilesTests
{
    [Test]
    public void ZonesConfGivesEachOriginAndItsFile()
    {
        var zones = ServedFiles.ZonesConf("""
            zone "example.com." { type master; file "/etc/blech/generated/bind/zones/example.com.zone"; };
            zone "Other.EXAMPLE" IN {
                type master;
                file "/x/other.example.zone";
            };
            """);
        Assert.That(zones, Is.EqualTo(new Dictionary<string, string>
        {
            ["example.com."] = "/etc/blech/generated/bind/zones/example.com.zone",
            ["other.example."] = "/x/other.example.zone",
        }));
    }

    [Test]
    public void PasswdAliasesAndDomainsAreKeyedByLowerCaseAddress()
    {
        var passwd = ServedFiles.Passwd("Info@Example.com:{SHA512-CRYPT}$6$rounds=5000$s$h::::::userdb_quota_rule=*:storage=0M\n# comment\n\nbroken line\n");
        Assert.That(passwd, Is.EqualTo(new Dictionary<string, string> { ["info@example.com"] = "$6$rounds=5000$s$h" }));

        var aliases = ServedFiles.Aliases("*@example.com catch@example.net\npostmaster@example.com info@example.com,root@example.net\n");
        Assert.That(aliases, Is.EqualTo(new Dictionary<string, string> { ["*@example.com"] = "catch@example.net", ["postmaster@example.com"] = "info@example.com,root@example.net" }));

        Assert.That(ServedFiles.Domains("example.com\nEXAMPLE.net.\n\n"), Is.EquivalentTo(new[] { "example.com", "example.net" }));
    }

    [Test]
    public void DigAnswersGiveSerialsByOriginAndNoReplyLinesApart()
    {
        var (serials, errors) = ServedFiles.DigSoaAnswers("""
            example.com.		3600	IN	SOA	ns1.example.net. hostmaster.example.net. 2025031401 3600 600 604800 300
            ;; communications error to 127.0.0.1#53: connection refused
            ;; no servers could be reached
            Other.Example.	60 IN SOA ns1. host. 7 1 1 1 1
            """);
        Assert.That(serials, Is.EqualTo(new Dictionary<string, long> { ["example.com."] = 2025031401, ["other.example."] = 7 }));
        Assert.That(errors, Has.Count.EqualTo(2));
    }
}
