using System.Text;
using Bridge.Core.Files;

namespace Bridge.Data.State;

/// <summary>
/// The Apache part of Bridge's state: the files Bridge has rewritten from D to V at least once, so that finding one on D again
/// counts as Blech reverting it. A file beside the Apache backups on this machine, since it describes this machine's files.
/// </summary>
public sealed class RewrittenFiles(string folder)
{
    private const string FileName = "rewritten-files";

    private string Path => System.IO.Path.Combine(folder, FileName);

    public HashSet<string> Read() =>
        File.Exists(Path) ? File.ReadAllLines(Path).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);

    public void Write(IEnumerable<string> files)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path, Encoding.UTF8.GetBytes(string.Concat(files.Order(StringComparer.Ordinal).Select(f => f + "\n"))));
    }
}
