using System.Text;

namespace Bridge.Apache;

/// <summary>
/// A lossless view of one Apache configuration file: httpd's reading rules on top,
/// the original bytes underneath, so <c>Parse(x).ToString() == x</c> for every input.
/// </summary>
public sealed class ApacheDocument
{
    /// <summary>
    /// The encoding for reading and writing files: every byte maps to one character and back,
    /// so files in any encoding (or none) survive unchanged.
    /// </summary>
    public static Encoding FileEncoding { get; } = Encoding.Latin1;

    private ApacheDocument(string text, IReadOnlyList<ApacheLine> lines)
    {
        Text = text;
        Lines = lines;
    }

    /// <summary>The document's exact text.</summary>
    public string Text { get; }

    /// <summary>The logical lines in order; their <see cref="ApacheLine.Raw"/> texts concatenate to <see cref="Text"/>.</summary>
    public IReadOnlyList<ApacheLine> Lines { get; }

    /// <summary>Reads <paramref name="text"/> the way httpd does.</summary>
    public static ApacheDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ApacheDocument(text, ApacheReader.Read(text));
    }

    /// <summary>Returns the exact text that was parsed.</summary>
    public override string ToString() => Text;
}
