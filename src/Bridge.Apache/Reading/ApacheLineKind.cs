namespace Bridge.Apache;

/// <summary>What a logical line of an Apache configuration file holds.</summary>
public enum ApacheLineKind
{
    /// <summary>Only white space (or nothing).</summary>
    Blank,

    /// <summary>A comment: <c>#</c> is the first non-blank character of the logical line.</summary>
    Comment,

    /// <summary>A plain directive such as <c>Listen 80</c>.</summary>
    Directive,

    /// <summary>A section opening tag such as <c>&lt;VirtualHost 192.0.2.2:80&gt;</c>.</summary>
    SectionOpen,

    /// <summary>A section closing tag such as <c>&lt;/VirtualHost&gt;</c>.</summary>
    SectionClose,
}
