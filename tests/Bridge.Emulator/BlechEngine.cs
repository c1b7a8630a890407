namespace Bridge.Emulator;

/// The database engine a Blech installation runs on.
public enum BlechEngine
{
    Postgres,
    MariaDb,
}
