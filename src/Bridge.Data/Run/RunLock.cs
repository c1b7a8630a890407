using System.Data.Common;
using System.Globalization;
using Bridge.Core.Files;

namespace Bridge.Data.Run;

/// <summary>
/// One Bridge run at a time: a file lock on this machine and a database lock on the database written (PostgreSQL advisory
/// lock, MariaDB GET_LOCK), so that neither two runs here nor runs on two machines interleave. Both are released when the
/// run ends or its process dies.
/// </summary>
public sealed class RunLock : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly DbConnection _connection;
    private readonly Side _side;

    private RunLock(FileStream file, DbConnection connection, Side side)
    {
        _file = file;
        _connection = connection;
        _side = side;
    }

    /// <summary>Takes both locks, trying until <paramref name="wait"/> has passed; null, with the reason, when another run holds one.</summary>
    public static async Task<(RunLock? Lock, string? HeldBy)> TryAcquireAsync(string lockFile, Side side, TimeSpan wait, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(lockFile))!);
        while (true)
        {
            var file = FileLock.TryTake(lockFile);
            if (file is not null)
            {
                var connection = side.Dialect.CreateConnection(side.ConnectionString);
                try
                {
                    await connection.OpenAsync(ct);
                    await using var command = connection.CreateCommand();
                    command.CommandText = side.Dialect.TryLockSql;
                    var value = await command.ExecuteScalarAsync(ct);
                    var taken = value switch
                    {
                        bool b => b,
                        null or DBNull => false,
                        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture) == 1,
                    };
                    if (taken)
                    {
                        await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"), ct);
                        await file.FlushAsync(ct);
                        return (new RunLock(file, connection, side), null);
                    }
                }
                catch
                {
                    await connection.DisposeAsync();
                    await file.DisposeAsync();
                    throw;
                }

                await connection.DisposeAsync();
                await file.DisposeAsync();
                if (DateTime.UtcNow >= deadline)
                {
                    return (null, $"another Bridge run holds the lock on the {side.Role} database");
                }
            }
            else if (DateTime.UtcNow >= deadline)
            {
                return (null, $"another Bridge run on this machine holds {lockFile}");
            }

            await Task.Delay(250, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = _side.Dialect.UnlockSql;
            await command.ExecuteScalarAsync();
        }
        catch (DbException)
        {
            // A lost connection has released the lock already.
        }

        await _connection.DisposeAsync();
        await _file.DisposeAsync();
    }
}
