namespace Bridge.Cli.Tests;

/// <summary>The repository these tests check: the one holding the test build, or BRIDGE_TEST_REPO_ROOT (to check another tree).</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("BRIDGE_TEST_REPO_ROOT") is { Length: > 0 } given)
        {
            return given;
        }

        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Bridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Bridge.sln above {TestContext.CurrentContext.TestDirectory}");
    }
}
