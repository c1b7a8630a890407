using System.Reflection;

namespace Bridge.Data.Engine;

/// <summary>Reads the <c>Sql/*.sql</c> files an engine project embeds.</summary>
public static class EmbeddedSql
{
    /// <summary>The embedded scripts whose names start with <paramref name="prefix"/>, in name order.</summary>
    public static IReadOnlyList<string> Load(Assembly assembly, string prefix)
    {
        var marker = ".Sql." + prefix;
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            })
            .ToList();
    }
}
