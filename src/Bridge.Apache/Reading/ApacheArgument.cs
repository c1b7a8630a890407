namespace Bridge.Apache;

/// <summary>One argument of a directive or section tag, as httpd's <c>ap_getword_conf</c> reads it.</summary>
public sealed class ApacheArgument
{
    // Logical-line index of every character of Value; escapes make the value shorter than its source.
    private readonly int[] _valueMap;

    internal ApacheArgument(string value, char? quote, int rawOffset, string rawText, int[] valueMap)
    {
        Value = value;
        Quote = quote;
        RawOffset = rawOffset;
        RawText = rawText;
        _valueMap = valueMap;
    }

    /// <summary>The argument after quote removal and unescaping of <c>\"</c>, <c>\'</c> and <c>\\</c>.</summary>
    public string Value { get; }

    /// <summary>The quote character the argument was written with, or null when unquoted.</summary>
    public char? Quote { get; }

    /// <summary>Offset of the argument's first byte (its opening quote, if any) in the document.</summary>
    public int RawOffset { get; }

    /// <summary>The argument exactly as written, quotes and continuation seams included.</summary>
    public string RawText { get; }

    internal int LogicalIndexOf(int valueIndex) => _valueMap[valueIndex];
}
