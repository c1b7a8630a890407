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
    private DbConnection _connection;
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
        var transientTries = 0;
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
                    if (await TakeAsync(connection, side, ct))
                    {
                        await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"), ct);
                        await file.FlushAsync(ct);
                        return (new RunLock(file, connection, side), null);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException && side.Dialect.IsTransient(e) && transientTries < MaxTransientTries)
                {
                    // The first run after the standby's server restarted may get a dead pooled connection: drop them and try again.
                    transientTries++;
                    await connection.DisposeAsync();
                    await file.DisposeAsync();
                    side.Dialect.ClearPools();
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * transientTries), ct);
                    continue;
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

    private const int MaxTransientTries = 3;

    private static readonly TimeSpan RelockWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Makes sure the database lock is still held: it lives as long as its session, so when the standby's server restarted (or
    /// the connection was lost) it is taken again on a new connection. Throws <see cref="LockLostException"/> when another run
    /// took it meanwhile; a database that does not answer yet throws its own (transient) error.
    /// </summary>
    public async Task EnsureHeldAsync(CancellationToken ct)
    {
        if (await AliveAsync(ct))
        {
            return;
        }

        await DisposeQuietlyAsync(_connection);
        _side.Dialect.ClearPools();
        var connection = _side.Dialect.CreateConnection(_side.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);

            // The server may need a moment to end the lost session and free its lock (MariaDB frees it when the killed
            // thread finishes): try for a few seconds before deciding that another run has it.
            var until = DateTime.UtcNow + RelockWait;
            var taken = await TakeAsync(connection, _side, ct);
            while (!taken && DateTime.UtcNow < until)
            {
                await Task.Delay(100, ct);
                taken = await TakeAsync(connection, _side, ct);
            }

            if (!taken)
            {
                throw new LockLostException($"the run lost its lock on the {_side.Role} database (its server restarted or the connection was lost) and another Bridge run holds it now");
            }
        }
        catch
        {
            await DisposeQuietlyAsync(connection);
            throw;
        }

        _connection = connection;
    }

    private async Task<bool> AliveAsync(CancellationToken ct)
    {
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            return false;
        }

        try
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> TakeAsync(DbConnection connection, Side side, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = side.Dialect.TryLockSql;
        var value = await command.ExecuteScalarAsync(ct);
        return value switch
        {
            bool b => b,
            null or DBNull => false,
            _ => Convert.ToInt64(value, CultureInfo.InvariantCulture) == 1,
        };
    }

    private static async Task DisposeQuietlyAsync(DbConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception e) when (e is DbException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // A connection whose server went away may fail to close cleanly; it is gone either way.
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
        catch (Exception e) when (e is DbException or IOException or InvalidOperationException)
        {
            // A lost connection has released the lock already.
        }

        await DisposeQuietlyAsync(_connection);
        await _file.DisposeAsync();
    }
}

/// <summary>A run lost its database lock (the server restarted) and could not take it again: another run holds it.</summary>
public sealed class LockLostException(string message) : Exception(message);
