using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Bridge.Apache;

/// <summary>
/// Rewrites the from-address D to the to-address V where Apache binds to it: <c>&lt;VirtualHost&gt;</c> tags,
/// <c>NameVirtualHost</c> and <c>Listen</c>. Every other mention of D becomes a warning. Only the bytes of
/// rewritten tokens change, plus whole lines removed when the rewrite made them duplicates.
/// </summary>
public sealed partial class ApacheRewriter
{
    private readonly Func<VirtualHostInfo, bool> _keepOnFrom;
    private readonly string _toText;

    /// <summary>Creates a rewriter.</summary>
    /// <param name="from">D, the address to replace.</param>
    /// <param name="to">V, the address to bind instead.</param>
    /// <param name="keepOnFrom">Returns true for a vhost that must stay on D (the caller knows it is really bound there).</param>
    public ApacheRewriter(IPAddress from, IPAddress to, Func<VirtualHostInfo, bool>? keepOnFrom = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Equals(to))
        {
            throw new ArgumentException($"The from-address and the to-address are both {from}.", nameof(to));
        }

        From = from;
        To = to;
        _toText = AddressText.Format(to);
        _keepOnFrom = keepOnFrom ?? (_ => false);
    }

    /// <summary>D, the address replaced.</summary>
    public IPAddress From { get; }

    /// <summary>V, the address written instead.</summary>
    public IPAddress To { get; }

    /// <summary>Rewrites one file's text on its own.</summary>
    public ApacheRewriteResult Rewrite(string text, string? filePath = null)
    {
        var state = new State();
        return Finish([Rewrite(ApacheDocument.Parse(text), filePath, state)], state)[0];
    }

    /// <summary>
    /// Rewrites every file of a tree in httpd's reading order, so a Define in one file is known in the next
    /// and a Listen duplicated across files is found.
    /// </summary>
    public ApacheTreeRewriteResult Rewrite(ApacheTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var state = new State();
        var results = tree.Files.Select(f => Rewrite(ApacheDocument.Parse(f.Text), f.TargetPath, state)).ToList();
        var files = tree.Files.Zip(Finish(results, state), (f, r) => new ApacheFileRewrite(f, r)).ToList();
        return new ApacheTreeRewriteResult(files, tree.Warnings);
    }

    // A Listen moved to V leaves a vhost kept on D without a listener on that port: the caller must know,
    // wherever in the tree the two sit.
    private static List<ApacheRewriteResult> Finish(List<ApacheRewriteResult> results, State state)
    {
        var late = new List<ApacheWarning>();
        foreach (var (listen, port) in state.MovedListens)
        {
            var kept = state.KeptPorts.Where(k => k.Port is "" or "*" || k.Port == port).Select(k => k.ServerName).Distinct().ToList();
            if (kept.Count > 0)
            {
                late.Add(listen with
                {
                    Kind = ApacheWarningKind.KeptVhostLosesListen,
                    Message = $"Listen moved to the new address, but {string.Join(", ", kept)} stay on the old one; add a Listen for them by hand.",
                });
            }
        }

        return [.. results.Select(r => late.Any(w => w.FilePath == r.FilePath)
            ? r with { Warnings = [.. r.Warnings.Concat(late.Where(w => w.FilePath == r.FilePath)).OrderBy(w => w.Line)] }
            : r)];
    }

    // What one file's rewrite leaves for the next file.
    private sealed class State
    {
        public HashSet<string> DefinesWithFrom { get; } = new(StringComparer.Ordinal);

        public List<Seen> Listens { get; } = [];

        public List<(ApacheWarning At, string Port)> MovedListens { get; } = [];

        public List<(string ServerName, string Port)> KeptPorts { get; } = [];
    }

    private sealed record Seen(string OriginalKey, string Key, string Protocol, string[] Sections, string? File);

    private ApacheRewriteResult Rewrite(ApacheDocument doc, string? filePath, State state)
    {
        var lines = doc.Lines;
        var vhosts = CollectVirtualHosts(lines, filePath);
        var changes = new List<ApacheChange>();
        var warnings = new List<ApacheWarning>();
        var sections = new List<string>();
        var nameVirtualHosts = new List<Seen>();

        for (var index = 0; index < lines.Count; index++)
        {
            var line = lines[index];
            if (line.Kind is ApacheLineKind.Blank or ApacheLineKind.Comment)
            {
                continue;
            }

            if (line.Kind == ApacheLineKind.SectionClose)
            {
                if (sections.Count > 0)
                {
                    sections.RemoveAt(sections.Count - 1);
                }

                continue;
            }

            var context = new LineContext(this, doc, line, filePath, warnings);
            if (line.Kind == ApacheLineKind.SectionOpen)
            {
                if (line.Is("VirtualHost"))
                {
                    RewriteVirtualHost(context, vhosts[index], state);
                }

                sections.Add(line.Name!.ToLowerInvariant() + " " + string.Join(' ', line.Arguments.Select(a => a.Value)));
            }
            else if ((line.Is("Listen") || line.Is("NameVirtualHost")) && line.Arguments.Count > 0)
            {
                var isListen = line.Is("Listen");
                var rewritten = context.RewriteAddressArgument(line.Arguments[0], isListen ? "Listen" : "NameVirtualHost");
                if (rewritten && isListen)
                {
                    var port = AddressText.ParseHostPort(line.Arguments[0].Value)!.Value.Port;
                    state.MovedListens.Add((new ApacheWarning(filePath, line.LineNumber, line.Name!, line.Text, ApacheWarningKind.Mention, ""), port));
                }

                CheckDuplicate(context, isListen ? state.Listens : nameVirtualHosts, isListen, rewritten, [.. sections]);
            }
            else if (line.Is("Define") && line.Arguments.Count >= 2
                && AddressText.FindMentions(line.Arguments[1].Value, From).Any())
            {
                state.DefinesWithFrom.Add(line.Arguments[0].Value);
                context.Warn(ApacheWarningKind.DefinesFromAddress, $"Define {line.Arguments[0].Value} holds {From}; not rewritten.");
                context.HandledAll = true;
            }

            foreach (Match use in VariableUse().Matches(line.Text))
            {
                var name = use.Groups[1].Value;
                if (state.DefinesWithFrom.Contains(name))
                {
                    context.Warn(ApacheWarningKind.UsesVariable, $"Uses ${{{name}}}, which is defined as {From}; not rewritten.");
                }
            }

            if (!context.HandledAll)
            {
                var mentions = AddressText.FindMentions(line.Logical, From)
                    .Where(m => m.Start >= line.TextStart && !context.IsHandled(m.Start, m.Length));
                if (mentions.Any())
                {
                    context.Warn(ApacheWarningKind.Mention, $"{line.Name} mentions {From}; not rewritten.");
                }
            }

            changes.AddRange(context.Changes);
        }

        var newText = Apply(doc.Text, changes.Select(c => c.Edit));
        return new ApacheRewriteResult(filePath, doc.Text, newText, changes, warnings);
    }

    private void RewriteVirtualHost(LineContext context, VirtualHostInfo info, State state)
    {
        var onFrom = context.Line.Arguments
            .Select(a => (Argument: a, Found: AddressText.ParseHostPort(a.Value)))
            .Where(x => x.Found is { } f && f.Address.Equals(From))
            .ToList();
        if (onFrom.Count == 0)
        {
            return;
        }

        if (_keepOnFrom(info))
        {
            foreach (var (argument, found) in onFrom)
            {
                context.MarkHandled(argument, found!.Value);
                state.KeptPorts.Add((info.ServerName ?? $"the vhost at line {info.Line}", found.Value.Port));
            }

            context.Warn(ApacheWarningKind.KeptOnFrom, $"VirtualHost {info.ServerName ?? "(no ServerName)"} kept on {From} as asked.");
            return;
        }

        foreach (var (argument, _) in onFrom)
        {
            context.RewriteAddressArgument(argument, "VirtualHost");
        }
    }

    // Collapses Listen or NameVirtualHost lines that the rewrite made equal to an earlier one.
    // Lines that were already equal before the rewrite are not the rewrite's doing and stay.
    private void CheckDuplicate(LineContext context, List<Seen> seen, bool isListen, bool rewritten, string[] sections)
    {
        var line = context.Line;
        var original = line.Arguments[0].Value;
        if (AddressText.ParseHostPort(original) is not { } before || (isListen && before.Port.Length == 0))
        {
            return;
        }

        var after = rewritten ? before with { Address = To } : before;
        var protocol = isListen
            ? (line.Arguments.Count > 1 ? line.Arguments[1].Value.ToLowerInvariant() : after.Port == "443" ? "https" : "http")
            : "";
        var entry = new Seen($"{before.Address}|{before.Port}", $"{after.Address}|{after.Port}", protocol, sections, context.FilePath);
        var earlier = seen.FirstOrDefault(s => s.Key == entry.Key);
        if (earlier is null)
        {
            seen.Add(entry);
            return;
        }

        if (earlier.OriginalKey == entry.OriginalKey)
        {
            return;
        }

        var sameScope = earlier.File == context.FilePath
            ? earlier.Sections.Length <= sections.Length && earlier.Sections.SequenceEqual(sections.Take(earlier.Sections.Length))
            : earlier.Sections.Length == 0;
        if (sameScope && earlier.Protocol == protocol)
        {
            context.RemoveLine(isListen ? "Listen" : "NameVirtualHost");
        }
        else
        {
            context.Warn(ApacheWarningKind.DuplicateKept, $"{line.Name} duplicates an earlier line after the rewrite but sits in another section or has another protocol; left in place.");
        }
    }

    private static Dictionary<int, VirtualHostInfo> CollectVirtualHosts(IReadOnlyList<ApacheLine> lines, string? filePath)
    {
        var result = new Dictionary<int, VirtualHostInfo>();
        for (var i = 0; i < lines.Count; i++)
        {
            var tag = lines[i];
            if (tag.Kind != ApacheLineKind.SectionOpen || !tag.Is("VirtualHost"))
            {
                continue;
            }

            string? serverName = null;
            var aliases = new List<string>();
            for (var j = i + 1; j < lines.Count; j++)
            {
                var inner = lines[j];
                if (inner.Kind == ApacheLineKind.SectionClose && inner.Is("VirtualHost"))
                {
                    break;
                }

                if (inner.Kind != ApacheLineKind.Directive)
                {
                    continue;
                }

                if (inner.Is("ServerName") && inner.Arguments.Count > 0)
                {
                    serverName = inner.Arguments[0].Value;
                }
                else if (inner.Is("ServerAlias"))
                {
                    aliases.AddRange(inner.Arguments.Select(a => a.Value));
                }
            }

            result[i] = new VirtualHostInfo(filePath, tag.LineNumber, [.. tag.Arguments.Select(a => a.Value)], serverName, aliases);
        }

        return result;
    }

    private static string Apply(string text, IEnumerable<TextEdit> edits)
    {
        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var edit in edits.OrderBy(e => e.Offset))
        {
            builder.Append(text, position, edit.Offset - position).Append(edit.Replacement);
            position = edit.Offset + edit.Length;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex VariableUse();

    // Everything the rewrite decides about one logical line.
    private sealed class LineContext(ApacheRewriter owner, ApacheDocument doc, ApacheLine line, string? filePath, List<ApacheWarning> warnings)
    {
        private readonly List<(int Start, int End)> _handled = [];

        public ApacheLine Line => line;

        public string? FilePath => filePath;

        public List<ApacheChange> Changes { get; } = [];

        public bool HandledAll { get; set; }

        public void Warn(ApacheWarningKind kind, string message) =>
            warnings.Add(new ApacheWarning(filePath, line.LineNumber, line.Name ?? "", line.Text, kind, message));

        public bool IsHandled(int start, int length) => _handled.Any(h => start < h.End && start + length > h.Start);

        public (int Start, int End) MarkHandled(ApacheArgument argument, AddressText.Found found)
        {
            var start = argument.LogicalIndexOf(found.Start);
            var end = argument.LogicalIndexOf(found.Start + found.Length - 1) + 1;
            _handled.Add((start, end));
            return (start, end);
        }

        // Rewrites the argument's address when it is D; returns whether it did.
        public bool RewriteAddressArgument(ApacheArgument argument, string directive)
        {
            if (AddressText.ParseHostPort(argument.Value) is not { } found || !found.Address.Equals(owner.From))
            {
                return false;
            }

            var (start, end) = MarkHandled(argument, found);
            var rawStart = line.RawIndexOf(start);
            var rawEnd = line.RawIndexOf(end - 1) + 1;
            // A token split by a continuation keeps the backslash-newline seams, moved behind the new token.
            var mapped = Enumerable.Range(start, end - start).Select(line.RawIndexOf).ToHashSet();
            var seams = new StringBuilder();
            for (var r = rawStart; r < rawEnd; r++)
            {
                if (!mapped.Contains(r))
                {
                    seams.Append(doc.Text[r]);
                }
            }

            Changes.Add(new ApacheChange(
                filePath,
                line.LineNumber,
                directive,
                line.Logical[start..end],
                owner._toText,
                ApacheChangeKind.AddressRewritten,
                new TextEdit(rawStart, rawEnd - rawStart, owner._toText + seams)));
            return true;
        }

        public void RemoveLine(string directive)
        {
            Changes.Clear();
            Changes.Add(new ApacheChange(
                filePath,
                line.LineNumber,
                directive,
                line.Text,
                "",
                ApacheChangeKind.DuplicateLineRemoved,
                new TextEdit(line.Offset, line.Raw.Length, "")));
        }
    }
}
