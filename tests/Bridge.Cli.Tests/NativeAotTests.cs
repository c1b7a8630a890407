using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Bridge.Cli.Tests;

/// <summary>
/// The installed command is Native AOT (scripts/lib/publish.sh), where nothing can emit IL at run time. Dapper.AOT compiles
/// each Dapper call at build time and, where it cannot (a private row type, a tuple, a <c>CommandDefinition</c>), silently
/// leaves the call to Dapper's run-time IL, which fails only when the AOT command reaches it. So no Bridge assembly may
/// call Dapper's own <c>SqlMapper</c>.
/// </summary>
[TestFixture]
public sealed class NativeAotTests
{
    private static IEnumerable<string> BridgeAssemblies() =>
        Directory.EnumerateFiles(Path.GetDirectoryName(typeof(BridgeApp).Assembly.Location)!, "*.dll")
            .Where(f => Path.GetFileName(f) is var name && (name.StartsWith("Bridge.", StringComparison.Ordinal) || name == "blech-bridge.dll")
                && !name.EndsWith(".Tests.dll", StringComparison.Ordinal));

    /// <summary>The members of Dapper's <c>SqlMapper</c> an assembly calls, as "Type.Member".</summary>
    public static List<string> SqlMapperCalls(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var calls = new List<string>();
        foreach (var handle in md.MemberReferences)
        {
            // A call to a generic method (QueryAsync<T>) is a method specification over one of these member references.
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference
                && md.GetTypeReference((TypeReferenceHandle)member.Parent) is var type
                && md.GetString(type.Namespace) == "Dapper" && md.GetString(type.Name) == "SqlMapper")
            {
                calls.Add($"SqlMapper.{md.GetString(member.Name)}");
            }
        }

        return calls;
    }

    [Test]
    public void TheBridgeAssembliesAreFound()
    {
        Assert.That(BridgeAssemblies().Select(Path.GetFileName), Does.Contain("Bridge.Data.dll").And.Contain("blech-bridge.dll"));
    }

    [Test]
    public void NoBridgeAssemblyCallsDappersRunTimeIl()
    {
        var calls = BridgeAssemblies().SelectMany(a => SqlMapperCalls(a).Select(c => $"{Path.GetFileName(a)}: {c}")).ToList();

        Assert.That(calls, Is.Empty, "Dapper calls Dapper.AOT did not compile (see the DAP diagnostics of the build)");
    }

    [Test]
    public void TheCheckFindsACallToSqlMapper()
    {
        // This test assembly is not compiled by Dapper.AOT: its call below stays a call to SqlMapper, and the check must see it.
        Assert.That(SqlMapperCalls(typeof(NativeAotTests).Assembly.Location), Does.Contain("SqlMapper.QueryAsync"));
    }

    // Never run: it is here to be found by the check (DAP005: Dapper.AOT's analyzer notes it is not compiled by Dapper.AOT).
#pragma warning disable DAP005
    private static Task<IEnumerable<int>> VanillaDapperCall(System.Data.IDbConnection connection) => Dapper.SqlMapper.QueryAsync<int>(connection, "SELECT 1");
#pragma warning restore DAP005
}
