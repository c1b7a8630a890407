namespace Bridge.Apache;

/// <summary>
/// The Apache files to rewrite: either Blech's generated folder, or an <c>apache2.conf</c> with everything it
/// includes, in the order httpd reads them. Each file appears once, at its final symlink target.
/// </summary>
public sealed class ApacheTree
{
    private ApacheTree(string root, ApacheTreeLayout layout, IReadOnlyList<ApacheTreeFile> files, IReadOnlyList<ApacheWarning> warnings)
    {
        Root = root;
        Layout = layout;
        Files = files;
        Warnings = warnings;
    }

    /// <summary>The root given to <see cref="Load"/>, as a full path.</summary>
    public string Root { get; }

    /// <summary>How the root was read.</summary>
    public ApacheTreeLayout Layout { get; }

    /// <summary>The files in reading order.</summary>
    public IReadOnlyList<ApacheTreeFile> Files { get; }

    /// <summary>Includes that could not be followed.</summary>
    public IReadOnlyList<ApacheWarning> Warnings { get; }

    /// <summary>
    /// Reads the tree at <paramref name="root"/>: a Blech folder (<c>root/apache/ports.conf</c> and
    /// <c>root/apache/sites/*.conf</c>, or <c>root/ports.conf</c> and <c>root/sites/</c>), or the path of an
    /// <c>apache2.conf</c>.
    /// </summary>
    /// <exception cref="ApacheConfigException">The root is neither, or an Include names a missing file.</exception>
    public static ApacheTree Load(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        if (File.Exists(full))
        {
            var loader = new ConfLoader(Path.GetDirectoryName(full)!);
            loader.Visit(full);
            return new ApacheTree(full, ApacheTreeLayout.ApacheConf, loader.Files, loader.Warnings);
        }

        if (!Directory.Exists(full))
        {
            throw new ApacheConfigException($"Apache configuration root '{full}' does not exist.");
        }

        foreach (var candidate in new[] { Path.Combine(full, "apache"), full })
        {
            var ports = Path.Combine(candidate, "ports.conf");
            var sites = Path.Combine(candidate, "sites");
            if (!File.Exists(ports) && !Directory.Exists(sites))
            {
                continue;
            }

            var files = new List<ApacheTreeFile>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (File.Exists(ports))
            {
                AddFile(files, seen, ports);
            }

            if (Directory.Exists(sites))
            {
                // Same matching as httpd's "sites/*.conf": dot files (editor and temporary files) are not sites.
                foreach (var site in Directory.GetFiles(sites).Where(f => Glob.IsMatch("*.conf", Path.GetFileName(f))).Order(StringComparer.Ordinal))
                {
                    AddFile(files, seen, site);
                }
            }

            return new ApacheTree(full, ApacheTreeLayout.Blech, files, []);
        }

        throw new ApacheConfigException(
            $"'{full}' is neither an apache2.conf nor a Blech folder (expected apache/ports.conf or apache/sites/ inside it).");
    }

    private static bool AddFile(List<ApacheTreeFile> files, HashSet<string> seen, string path)
    {
        var info = new FileInfo(path);
        var isLink = info.LinkTarget is not null;
        var target = isLink ? Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)!.FullName) : Path.GetFullPath(path);
        if (!File.Exists(target))
        {
            throw new ApacheConfigException($"'{path}' leads to '{target}', which is not a file.");
        }

        if (!seen.Add(target))
        {
            return false;
        }

        var text = ApacheDocument.FileEncoding.GetString(File.ReadAllBytes(target));
        files.Add(new ApacheTreeFile(path, target, isLink, text));
        return true;
    }

    // Follows Include and IncludeOptional the way httpd does (server/config.c: ap_process_fnmatch_configs).
    private sealed class ConfLoader(string serverRoot)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private string _serverRoot = serverRoot;

        public List<ApacheTreeFile> Files { get; } = [];

        public List<ApacheWarning> Warnings { get; } = [];

        public void Visit(string path)
        {
            if (!AddFile(Files, _seen, path))
            {
                return;
            }

            var file = Files[^1];
            foreach (var line in ApacheDocument.Parse(file.Text).Lines)
            {
                if (line.Kind != ApacheLineKind.Directive || line.Arguments.Count == 0)
                {
                    continue;
                }

                if (line.Is("ServerRoot"))
                {
                    _serverRoot = Path.GetFullPath(line.Arguments[0].Value, _serverRoot);
                }
                else if (line.Is("Include") || line.Is("IncludeOptional"))
                {
                    var pattern = line.Arguments[0].Value;
                    if (pattern.Contains("${", StringComparison.Ordinal))
                    {
                        Warnings.Add(new ApacheWarning(file.Path, line.LineNumber, line.Name!, line.Text, ApacheWarningKind.IncludeSkipped,
                            $"Include path '{pattern}' uses a variable; not followed."));
                        continue;
                    }

                    var optional = line.Is("IncludeOptional");
                    foreach (var included in Expand(Path.GetFullPath(pattern, _serverRoot), optional, file.Path, line.LineNumber))
                    {
                        Visit(included);
                    }
                }
            }
        }

        private static IEnumerable<string> Expand(string pattern, bool optional, string from, int lineNumber)
        {
            if (!HasWildcard(pattern))
            {
                if (File.Exists(pattern))
                {
                    return [pattern];
                }

                if (Directory.Exists(pattern))
                {
                    return AllFiles(pattern);
                }

                return optional
                    ? []
                    : throw new ApacheConfigException($"{from}:{lineNumber}: Include of '{pattern}', which does not exist.");
            }

            // Expand one path component at a time; wildcards may appear in directories as well as the file name.
            var rootEnd = Path.GetPathRoot(pattern)!;
            var components = pattern[rootEnd.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
            IEnumerable<string> current = [rootEnd];
            for (var k = 0; k < components.Length; k++)
            {
                var component = components[k];
                var last = k == components.Length - 1;
                current = current.SelectMany(dir => HasWildcard(component)
                    ? Matches(dir, component, directoriesOnly: !last)
                    : Exists(Path.Combine(dir, component), last) ? [Path.Combine(dir, component)] : []).ToList();
            }

            var matched = current.ToList();
            if (matched.Count == 0 && !optional)
            {
                throw new ApacheConfigException($"{from}:{lineNumber}: Include of '{pattern}' matches no file.");
            }

            return matched.SelectMany(m => Directory.Exists(m) ? AllFiles(m) : [m]);
        }

        private static bool Exists(string path, bool last) => last ? File.Exists(path) || Directory.Exists(path) : Directory.Exists(path);

        private static IEnumerable<string> Matches(string dir, string component, bool directoriesOnly)
        {
            if (!Directory.Exists(dir))
            {
                return [];
            }

            return Directory.EnumerateFileSystemEntries(dir)
                .Select(e => Path.GetFileName(e))
                .Where(name => Glob.IsMatch(component, name) && (!directoriesOnly || Directory.Exists(Path.Combine(dir, name))))
                .Order(StringComparer.Ordinal)
                .Select(name => Path.Combine(dir, name))
                .ToList();
        }

        // A directory included means every file in it and its subdirectories, sorted like httpd does.
        private static IEnumerable<string> AllFiles(string dir) =>
            Directory.EnumerateFileSystemEntries(dir)
                .Order(StringComparer.Ordinal)
                .SelectMany(e => Directory.Exists(e) ? AllFiles(e) : [e])
                .ToList();

        private static bool HasWildcard(string s) => s.IndexOfAny(['*', '?', '[']) >= 0;
    }
}
