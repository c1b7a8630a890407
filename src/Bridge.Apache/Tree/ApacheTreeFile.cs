namespace Bridge.Apache;

/// <summary>One configuration file of a tree.</summary>
/// <param name="Path">The file as the configuration reaches it (may be a symlink, e.g. in sites-enabled).</param>
/// <param name="TargetPath">The file actually read and written: the symlink's final target, or <paramref name="Path"/>.</param>
/// <param name="IsSymlink">Whether <paramref name="Path"/> is a symlink; it stays one, only its target is rewritten.</param>
/// <param name="Text">The file's bytes, one character per byte (<see cref="ApacheDocument.FileEncoding"/>).</param>
public sealed record ApacheTreeFile(string Path, string TargetPath, bool IsSymlink, string Text);

/// <summary>How a tree root was recognised.</summary>
public enum ApacheTreeLayout
{
    /// <summary>Blech's generated folder: <c>ports.conf</c> and <c>sites/*.conf</c>.</summary>
    Blech,

    /// <summary>An <c>apache2.conf</c> whose Include and IncludeOptional directives were followed.</summary>
    ApacheConf,
}

/// <summary>The configuration cannot be read as a tree (a missing Include, an unknown layout...).</summary>
public sealed class ApacheConfigException(string message) : Exception(message);
