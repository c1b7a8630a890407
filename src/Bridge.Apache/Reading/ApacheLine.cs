namespace Bridge.Apache;

/// <summary>
/// One logical line: one physical line, or several joined by a trailing backslash.
/// Keeps its exact bytes so that writing it back changes nothing.
/// </summary>
public sealed class ApacheLine
{
    // Document offset of every character of the untrimmed logical content.
    private readonly int[] _map;
    private readonly string _logical;

    internal ApacheLine(
        int offset,
        string raw,
        int lineNumber,
        int physicalLineCount,
        string logical,
        int[] map,
        int textStart,
        int textLength,
        ApacheLineKind kind,
        string? name,
        IReadOnlyList<ApacheArgument> arguments)
    {
        Offset = offset;
        Raw = raw;
        LineNumber = lineNumber;
        PhysicalLineCount = physicalLineCount;
        _logical = logical;
        _map = map;
        TextStart = textStart;
        Text = logical.Substring(textStart, textLength);
        Kind = kind;
        Name = name;
        Arguments = arguments;
    }

    /// <summary>Offset of the line's first byte in the document.</summary>
    public int Offset { get; }

    /// <summary>The line's exact bytes, continuation backslashes and line endings included.</summary>
    public string Raw { get; }

    /// <summary>1-based number of the first physical line.</summary>
    public int LineNumber { get; }

    /// <summary>How many physical lines the logical line spans.</summary>
    public int PhysicalLineCount { get; }

    /// <summary>The logical content as httpd sees it: continuations joined, surrounding white space trimmed.</summary>
    public string Text { get; }

    /// <summary>What the line holds.</summary>
    public ApacheLineKind Kind { get; }

    /// <summary>
    /// The directive or section name as written, without <c>&lt;</c>, <c>&lt;/</c> or <c>&gt;</c>;
    /// null for blank and comment lines.
    /// </summary>
    public string? Name { get; }

    /// <summary>
    /// The arguments; for a section opening tag only those before its last <c>&gt;</c>, as httpd reads them.
    /// </summary>
    public IReadOnlyList<ApacheArgument> Arguments { get; }

    /// <summary>True when <see cref="Name"/> equals <paramref name="name"/>, ignoring case as httpd does.</summary>
    public bool Is(string name) => Name is not null && string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    internal int TextStart { get; }

    internal string Logical => _logical;

    internal int RawIndexOf(int logicalIndex) => _map[logicalIndex];

    /// <inheritdoc />
    public override string ToString() => Raw;
}
