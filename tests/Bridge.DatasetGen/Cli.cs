using System.Globalization;
using Bridge.Emulator;

namespace Bridge.DatasetGen;

/// The command line of <c>bridge-dataset</c>.
public static class Cli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    public const string UsageText = """
        usage:
          bridge-dataset create --engine postgres|mysql --admin CONN --size small|large|huge [--database blech]
                                [--state-database bridge] [--hostname chip] [--main-ip 192.0.2.100] [--site-ip 192.0.2.100] [--seed 1]
              recreate the database from Blech's schema and fill it in bulk
          bridge-dataset change --engine postgres|mysql --conn CONN [--percent 1] [--seed 2]
              in one transaction, update about PERCENT % of every kind and insert and delete a quarter of that, as Blech would
          bridge-dataset count --engine postgres|mysql --conn CONN
              print "table rows" for every Blech table
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        try
        {
            switch (args.FirstOrDefault())
            {
                case "create":
                    await Creator.CreateAsync(ParseCreate(args[1..]), stderr, ct);
                    return Success;
                case "change":
                    {
                        var summary = await Changer.ChangeAsync(ParseChange(args[1..]), stderr, ct);
                        foreach (var t in summary.Tables)
                        {
                            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"{t.Table} updated {t.Updated} inserted {t.Inserted} deleted {t.Deleted}"));
                        }

                        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"zones_bumped {summary.ZonesBumped}"));
                        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"regen_queue {summary.QueueRows}"));
                        return Success;
                    }

                case "count":
                    {
                        var o = Parse(args[1..], "engine", "conn");
                        foreach (var (table, rows) in await Counter.CountAsync(Engine(o), Required(o, "conn"), ct))
                        {
                            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{table} {rows}"));
                        }

                        return Success;
                    }

                case "help" or "--help" or "-h":
                    stdout.WriteLine(UsageText);
                    return Success;
                default:
                    throw new UsageException(args.Length == 0 ? "no command given" : $"unknown command '{args[0]}'");
            }
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"bridge-dataset: {e.Message}");
            stderr.WriteLine(UsageText);
            return Usage;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            stderr.WriteLine($"bridge-dataset: {e.GetType().Name}: {e.Message}");
            return Failure;
        }
    }

    public static CreateOptions ParseCreate(string[] args)
    {
        var o = Parse(args, "engine", "admin", "size", "database", "state-database", "hostname", "main-ip", "site-ip", "seed");
        var sizeName = Required(o, "size");
        var size = DatasetSize.Find(sizeName) ?? throw new UsageException($"--size '{sizeName}' is not small, large or huge");
        var defaults = new CreateOptions(BlechEngine.Postgres, string.Empty, size);
        return new CreateOptions(Engine(o), Required(o, "admin"), size)
        {
            Database = o.GetValueOrDefault("database", defaults.Database),
            StateDatabase = o.GetValueOrDefault("state-database", defaults.StateDatabase),
            Hostname = o.GetValueOrDefault("hostname", defaults.Hostname),
            MainIp = o.GetValueOrDefault("main-ip", defaults.MainIp),
            SiteIp = o.GetValueOrDefault("site-ip", defaults.SiteIp),
            Seed = o.TryGetValue("seed", out var seed) ? Long(seed, "seed") : defaults.Seed,
        };
    }

    public static ChangeOptions ParseChange(string[] args)
    {
        var o = Parse(args, "engine", "conn", "percent", "seed");
        var defaults = new ChangeOptions(BlechEngine.Postgres, string.Empty);
        var percent = defaults.Percent;
        if (o.TryGetValue("percent", out var text)
            && !(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out percent) && percent > 0 && percent <= 100))
        {
            throw new UsageException($"--percent '{text}' is not a number above 0 and at most 100");
        }

        return new ChangeOptions(Engine(o), Required(o, "conn"))
        {
            Percent = percent,
            Seed = o.TryGetValue("seed", out var seed) ? Long(seed, "seed") : defaults.Seed,
        };
    }

    private static Dictionary<string, string> Parse(string[] args, params string[] allowed)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }

            var name = arg[2..];
            string value;
            if (name.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"--{name} needs a value");
            }

            if (!allowed.Contains(name))
            {
                throw new UsageException($"unknown option --{name}");
            }

            options[name] = value;
        }

        return options;
    }

    private static string Required(Dictionary<string, string> o, string name) =>
        o.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new UsageException($"--{name} is required");

    private static BlechEngine Engine(Dictionary<string, string> o)
    {
        var name = Required(o, "engine");
        return Engines.Parse(name) ?? throw new UsageException($"--engine '{name}' is not postgres or mysql");
    }

    private static long Long(string text, string name) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"--{name} '{text}' is not a whole number");
}

/// A command line that cannot be run; the message says what is wrong.
public sealed class UsageException(string message) : Exception(message);
