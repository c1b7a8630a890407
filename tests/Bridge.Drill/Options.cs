using System.Globalization;

namespace Bridge.Drill;

/// <summary>The drill driver's <c>--name value</c> options, and the databases it reads from the environment.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || !e.MoveNext())
            {
                throw new ArgumentException($"expected --name value, got '{name}'");
            }

            options._values[name[2..]] = e.Current;
        }

        return options;
    }

    public string Get(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");

    public int Int(string name) => int.Parse(Get(name), CultureInfo.InvariantCulture);

    public TimeSpan Seconds(string name) => TimeSpan.FromSeconds(double.Parse(Get(name), CultureInfo.InvariantCulture));

    /// <summary>A machine's database server from DRILL_{LOCAL|PEER}_{NAME,ENGINE,CONN}.</summary>
    public static (string Name, Emulator.BlechServer Server) Machine(string side)
    {
        string Env(string key) => Environment.GetEnvironmentVariable($"DRILL_{side}_{key}") is { Length: > 0 } v
            ? v
            : throw new ArgumentException($"DRILL_{side}_{key} is not set");
        var engine = Env("ENGINE") switch
        {
            "postgres" => Emulator.BlechEngine.Postgres,
            "mysql" => Emulator.BlechEngine.MariaDb,
            var other => throw new ArgumentException($"DRILL_{side}_ENGINE: unknown engine '{other}'"),
        };
        return (Env("NAME"), new Emulator.BlechServer(engine, Env("CONN")));
    }
}
