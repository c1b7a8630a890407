namespace Bridge.Integration.Tests;

/// <summary>The repository these tests were built from: the folder holding Bridge.sln above the test's output folder.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Bridge.sln above {AppContext.BaseDirectory}");
    }
}
