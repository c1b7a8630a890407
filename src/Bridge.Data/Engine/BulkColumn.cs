namespace Bridge.Data.Engine;

/// <summary>The kinds of value Bridge writes in bulk: a bulk path types its COPY fields and arrays by them.</summary>
public enum ColumnType
{
    Text,
    Int,
    BigInt,
    Bool,
    Timestamp,

    /// <summary>Bytes (<c>bytea</c>, <c>LONGBLOB</c>): only Bridge's own state holds them.</summary>
    Bytes,
}

/// <summary>A column written in bulk and the type of its values (any of which may be null where the column allows it).</summary>
public sealed record BulkColumn(string Name, ColumnType Type);
