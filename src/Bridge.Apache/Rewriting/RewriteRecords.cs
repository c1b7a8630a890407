namespace Bridge.Apache;

/// <summary>A virtual host that mentions the from-address, as shown to the caller's keep-on-from predicate.</summary>
/// <param name="FilePath">The file holding the vhost (null when rewriting text without a file).</param>
/// <param name="Line">1-based line of the <c>&lt;VirtualHost&gt;</c> tag.</param>
/// <param name="Addresses">The tag's arguments as read, e.g. <c>192.0.2.2:80</c>.</param>
/// <param name="ServerName">The last <c>ServerName</c> inside the vhost (httpd keeps the last one), if any.</param>
/// <param name="ServerAliases">Every <c>ServerAlias</c> argument inside the vhost, in order.</param>
public sealed record VirtualHostInfo(
    string? FilePath,
    int Line,
    IReadOnlyList<string> Addresses,
    string? ServerName,
    IReadOnlyList<string> ServerAliases);

/// <summary>Replace <paramref name="Length"/> characters at <paramref name="Offset"/> of the original text.</summary>
public sealed record TextEdit(int Offset, int Length, string Replacement);

/// <summary>What a change did.</summary>
public enum ApacheChangeKind
{
    /// <summary>An address token became the to-address.</summary>
    AddressRewritten,

    /// <summary>A line the rewrite made a duplicate of an earlier one was removed.</summary>
    DuplicateLineRemoved,
}

/// <summary>One change made by the rewrite.</summary>
/// <param name="FilePath">The file changed: in a tree, the symlink's final target (null when rewriting text without a file).</param>
/// <param name="Line">1-based line number in the original text.</param>
/// <param name="Directive">VirtualHost, Listen or NameVirtualHost.</param>
/// <param name="OldToken">The address as written before (<c>[2001:DB8::2]</c>), or the removed line's text.</param>
/// <param name="NewToken">The address as written now; empty for a removed line.</param>
/// <param name="Kind">What was done.</param>
/// <param name="Edit">The exact edit of the original text; nothing outside it changed.</param>
public sealed record ApacheChange(
    string? FilePath,
    int Line,
    string Directive,
    string OldToken,
    string NewToken,
    ApacheChangeKind Kind,
    TextEdit Edit);

/// <summary>Why a warning was raised.</summary>
public enum ApacheWarningKind
{
    /// <summary>The from-address appears in a directive the rewrite does not touch (ServerName, Require ip, a URL...).</summary>
    Mention,

    /// <summary>A <c>Define</c> gives a variable a value holding the from-address.</summary>
    DefinesFromAddress,

    /// <summary>A line uses <c>${VAR}</c> where VAR was defined with the from-address.</summary>
    UsesVariable,

    /// <summary>The caller's predicate kept this vhost on the from-address.</summary>
    KeptOnFrom,

    /// <summary>A Listen moved to the to-address while a vhost kept on the from-address uses its port.</summary>
    KeptVhostLosesListen,

    /// <summary>The rewrite made a duplicate that could not be removed safely (different section or protocol).</summary>
    DuplicateKept,

    /// <summary>An Include could not be followed (its path uses a variable).</summary>
    IncludeSkipped,
}

/// <summary>Something the operator should look at; nothing was changed because of it.</summary>
/// <param name="FilePath">The file: in a tree, the symlink's final target (null when rewriting text without a file).</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Directive">The directive or section name as written.</param>
/// <param name="Text">The logical line, continuations joined.</param>
/// <param name="Kind">Why.</param>
/// <param name="Message">A sentence for the report.</param>
public sealed record ApacheWarning(
    string? FilePath,
    int Line,
    string Directive,
    string Text,
    ApacheWarningKind Kind,
    string Message);

/// <summary>The rewrite of one file or text.</summary>
/// <param name="FilePath">The file (null when rewriting text without a file).</param>
/// <param name="OriginalText">The text before.</param>
/// <param name="NewText">The text after; equal to <paramref name="OriginalText"/> when nothing changed.</param>
/// <param name="Changes">Every change, in text order.</param>
/// <param name="Warnings">Every warning, in text order.</param>
public sealed record ApacheRewriteResult(
    string? FilePath,
    string OriginalText,
    string NewText,
    IReadOnlyList<ApacheChange> Changes,
    IReadOnlyList<ApacheWarning> Warnings)
{
    /// <summary>Whether the rewrite changed anything.</summary>
    public bool Changed => !string.Equals(OriginalText, NewText, StringComparison.Ordinal);
}

/// <summary>One file of a tree with its rewrite.</summary>
public sealed record ApacheFileRewrite(ApacheTreeFile File, ApacheRewriteResult Result);

/// <summary>The rewrite of a whole tree, files in the order httpd reads them.</summary>
public sealed record ApacheTreeRewriteResult(IReadOnlyList<ApacheFileRewrite> Files, IReadOnlyList<ApacheWarning> TreeWarnings)
{
    /// <summary>The files the rewrite changes.</summary>
    public IReadOnlyList<ApacheFileRewrite> ChangedFiles => [.. Files.Where(f => f.Result.Changed)];

    /// <summary>Every change of every file.</summary>
    public IReadOnlyList<ApacheChange> Changes => [.. Files.SelectMany(f => f.Result.Changes)];

    /// <summary>Warnings from reading the tree, then every file's warnings.</summary>
    public IReadOnlyList<ApacheWarning> Warnings => [.. TreeWarnings, .. Files.SelectMany(f => f.Result.Warnings)];

    /// <summary>Whether any file changes.</summary>
    public bool Changed => Files.Any(f => f.Result.Changed);
}
