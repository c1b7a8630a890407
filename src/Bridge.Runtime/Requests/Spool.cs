using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Bridge.Core.Files;

namespace Bridge.Runtime.Requests;

/// <summary>A request a Blech admin made, as the service took it from the spool.</summary>
public sealed record SpoolRequest(string Id, string Admin, DateTime RequestedAt, string FileName);

/// <summary>One resync the service runs for a batch of requests; while it runs, the spool's <c>running</c> file holds it.</summary>
public sealed record ResyncRun
{
    /// <summary>The admin whose request came first.</summary>
    public required string StartedBy { get; init; }

    public required DateTime RequestedAt { get; init; }

    public required DateTime StartedAt { get; init; }

    /// <summary>When the resync last started reading the active machine: every request it answers was taken before.</summary>
    public DateTime? ReadAt { get; init; }

    public DateTime? FinishedAt { get; init; }

    /// <summary>Every admin whose request this resync answers, first one first.</summary>
    public IReadOnlyList<string> Admins { get; init; } = [];

    /// <summary>The serving process; a <c>running</c> file whose process no longer beats is stale.</summary>
    public int Pid { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>What the admin reads, in plain words.</summary>
    public string? Text { get; init; }
}

/// <summary>The answer to one request: the resync's outcome, and whether this request started it or joined it.</summary>
public sealed record RequestResult
{
    public required string Id { get; init; }

    public required string Admin { get; init; }

    public required DateTime RequestedAt { get; init; }

    /// <summary>Null: this request started the resync; <see cref="JoinedTogether"/> or <see cref="JoinedRunning"/> otherwise.</summary>
    public string? Joined { get; init; }

    public required ResyncRun Run { get; init; }

    public const string JoinedTogether = "together";

    public const string JoinedRunning = "running";
}

/// <summary>Blech's host names of the two machines, remembered from earlier runs, for the plain-words answers.</summary>
public sealed record MachineNames(string? Peer, string? Local);

/// <summary>The spool's files in JSON (web names, indented), written by code generated at build time rather than reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(RequestResult))]
[JsonSerializable(typeof(ResyncRun))]
[JsonSerializable(typeof(MachineNames))]
internal sealed partial class SpoolJson : JsonSerializerContext;

/// <summary>
/// The request spool: the only thing the unprivileged hook and the privileged service share. Layout (see
/// scripts/blech-plugin/README.md for owners and modes):
/// <c>requests/</c> where the hook drops a request (its name carries all of it: <c>&lt;id&gt;.&lt;admin&gt;.req</c>; the service
/// never opens a file the hook wrote), <c>taken/</c> requests being served, <c>results/&lt;id&gt;.json</c> the answers,
/// <c>running</c>, <c>last</c>, <c>alive</c> (the service's heartbeat), <c>names</c>, <c>serve.lock</c>, and (only when needed)
/// <c>quarantine/</c>.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class Spool(string root)
{
    /// <summary>A heartbeat older than this means no service is serving the spool.</summary>
    public static readonly TimeSpan AliveWindow = TimeSpan.FromSeconds(30);

    /// <summary>How long results are kept.</summary>
    public static readonly TimeSpan KeepResults = TimeSpan.FromDays(1);

    // Group blech reads these; the spool folder itself keeps everybody else out.
    private const UnixFileMode SharedFile = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;


    // The hook's request file holds two short lines; anything bigger was not made by the hook.
    private const long MaxRequestBytes = 4096;

    private readonly BadEntryLog _bad = new();
    private long _discarded;

    public string Root { get; } = Path.GetFullPath(root);

    public string Requests => Path.Combine(Root, "requests");

    public string Results => Path.Combine(Root, "results");

    public string Taken => Path.Combine(Root, "taken");

    public string RunningFile => Path.Combine(Root, "running");

    public string LastFile => Path.Combine(Root, "last");

    public string AliveFile => Path.Combine(Root, "alive");

    public string NamesFile => Path.Combine(Root, "names");

    public string LockFile => Path.Combine(Root, "serve.lock");

    /// <summary>Where a directory swapped into <c>taken/</c> in place of a request goes when it cannot be removed (root only).</summary>
    public string Quarantine => Path.Combine(Root, "quarantine");

    public string RequestPath(string id, string admin) => Path.Combine(Requests, $"{id}.{admin}.req");

    public string ResultPath(string id) => Path.Combine(Results, id + ".json");

    // ---- the hook's side (user blech) ----

    /// <summary>Records a request: written under a temporary name, then renamed, so the service never sees half a file.</summary>
    public string Submit(string id, string admin, DateTime now)
    {
        var path = RequestPath(id, admin);
        var text = string.Create(CultureInfo.InvariantCulture, $"admin={admin}\nrequested={now:O}\n");
        WriteAtomic(path, text, SharedFile);
        return path;
    }

    /// <summary>Takes a request back before the service took it; false when the service had taken it already.</summary>
    public static bool TryWithdraw(string requestPath)
    {
        var withdrawn = Path.Combine(Path.GetDirectoryName(requestPath)!, "." + Path.GetFileName(requestPath) + ".withdrawn");
        try
        {
            File.Move(requestPath, withdrawn, overwrite: true);
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        File.Delete(withdrawn);
        return true;
    }

    public RequestResult? ReadResult(string id) => ReadJson(ResultPath(id), SpoolJson.Default.RequestResult);

    /// <summary>Whether a service beat within <see cref="AliveWindow"/>, and its process id.</summary>
    public (bool Alive, int Pid) ReadAlive(DateTime now)
    {
        try
        {
            var beat = File.GetLastWriteTimeUtc(AliveFile);
            var pid = int.TryParse(File.ReadAllText(AliveFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
            return (now - beat < AliveWindow && beat - now < AliveWindow, pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (false, 0);
        }
    }

    /// <summary>The resync running now, or null; a <c>running</c> file left by a process that no longer beats is ignored.</summary>
    public ResyncRun? ReadRunning(DateTime now)
    {
        var run = ReadJson(RunningFile, SpoolJson.Default.ResyncRun);
        var (alive, pid) = ReadAlive(now);
        return run is not null && alive && run.Pid == pid ? run : null;
    }

    public ResyncRun? ReadLast() => ReadJson(LastFile, SpoolJson.Default.ResyncRun);

    // ---- the service's side (root) ----

    /// <summary>Creates missing folders with their modes; their group is the spool folder's (install.sh sets it setgid).</summary>
    public void EnsureLayout()
    {
        const UnixFileMode rwx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Create(Requests, rwx | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.SetGroup | UnixFileMode.StickyBit);
        Create(Results, rwx | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.SetGroup);
        Create(Taken, rwx);
        Create(Quarantine, rwx);

        static void Create(string path, UnixFileMode mode)
        {
            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path);
                File.SetUnixFileMode(path, mode);
            }
        }
    }

    /// <summary>
    /// Moves every pending request to <c>taken/</c>, oldest first. Anything else in <c>requests/</c> (a name that is not a
    /// request or not UTF-8, a directory, link, FIFO, hard link or a file larger than a request) is removed, or, a directory
    /// that is not empty, left alone; either way it is logged once (at most <see cref="BadEntryLog.LinesPerMinute"/> lines a
    /// minute). Never throws for an entry; nothing is opened, and no link is followed.
    /// </summary>
    public IReadOnlyList<SpoolRequest> Take(DateTime now, Action<string> log)
    {
        var taken = new List<SpoolRequest>();
        _bad.Tick(now, log);
        try
        {
            using var requests = RawDirectory.Open(Requests);
            using var takenDir = RawDirectory.Open(Taken);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in requests.Names())
            {
                if (name[0] == (byte)'.')
                {
                    continue; // a hook's request being written; Clean removes what a killed hook left
                }

                var key = Convert.ToHexString(name);
                try
                {
                    TakeOne(requests, takenDir, name, key, now, taken, present, log);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    present.Add(key);
                    _bad.Report(key, now, $"cannot take '{Printable(name)}' in {Requests}: {e.Message}", log);
                }
            }

            _bad.Forget(present);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _bad.Report("(folder)", now, $"cannot read {Requests}: {e.Message}", log);
        }

        return [.. taken.OrderBy(r => r.RequestedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    private void TakeOne(RawDirectory requests, RawDirectory takenDir, byte[] name, string key, DateTime now, List<SpoolRequest> taken, HashSet<string> present, Action<string> log)
    {
        if (requests.Stat(name) is not { } status)
        {
            return; // withdrawn by its hook a moment ago
        }

        var text = StrictName(name);
        var problem = text is null ? "its name is not UTF-8"
            : !RequestName().IsMatch(text) ? "not a request"
            : Problem(status);
        if (problem is null)
        {
            if (!requests.Rename(name, takenDir, name))
            {
                return;
            }

            // taken/ is root's alone: what is there now stays as it is, so this look decides.
            var moved = takenDir.Stat(name);
            problem = moved is null ? null : Problem(moved);
            if (moved is not null && problem is null)
            {
                taken.Add(Request(text!, moved, now));
                return;
            }

            if (moved is not null)
            {
                var gone = Discard(takenDir, name, moved);
                _bad.Report(key, now, $"'{Printable(name)}' in {Requests} was swapped for {problem} while it was taken; {(gone ? "removed" : "moved to " + Quarantine)}", log);
            }

            return;
        }

        var removed = requests.Remove(name, status.Kind == EntryKind.Directory);
        if (!removed)
        {
            present.Add(key);
        }

        _bad.Report(key, now, $"'{Printable(name)}' in {Requests}: {problem}; {(removed ? "removed" : "left alone, and not reported again")}", log);
    }

    /// <summary>Requests a crashed service had taken and not answered: they are served again.</summary>
    public IReadOnlyList<SpoolRequest> TakeBack(DateTime now)
    {
        using var takenDir = RawDirectory.Open(Taken);
        var back = new List<SpoolRequest>();
        foreach (var name in takenDir.Names())
        {
            if (takenDir.Stat(name) is { } status && StrictName(name) is { } text && RequestName().IsMatch(text) && Problem(status) is null)
            {
                back.Add(Request(text, status, now));
            }
            else if (takenDir.Stat(name) is { } other)
            {
                try
                {
                    Discard(takenDir, name, other);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Not a request: it stays where it is, and is never served.
                }
            }
        }

        return [.. back.OrderBy(r => r.RequestedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    /// <summary>Writes the answer to <paramref name="request"/>, then forgets the request.</summary>
    public void Answer(RequestResult result, SpoolRequest request)
    {
        WriteAtomic(ResultPath(result.Id), JsonSerializer.Serialize(result, SpoolJson.Default.RequestResult), SharedFile);
        TryDelete(Path.Combine(Taken, request.FileName));
    }

    public void WriteRunning(ResyncRun run) => WriteAtomic(RunningFile, JsonSerializer.Serialize(run, SpoolJson.Default.ResyncRun), SharedFile);

    public void ClearRunning() => TryDelete(RunningFile);

    public void WriteLast(ResyncRun run) => WriteAtomic(LastFile, JsonSerializer.Serialize(run, SpoolJson.Default.ResyncRun), SharedFile);

    public void Beat(int pid) => WriteAtomic(AliveFile, pid.ToString(CultureInfo.InvariantCulture) + "\n", SharedFile);

    public MachineNames ReadNames() => ReadJson(NamesFile, SpoolJson.Default.MachineNames) ?? new MachineNames(null, null);

    public void WriteNames(MachineNames names) => WriteAtomic(NamesFile, JsonSerializer.Serialize(names, SpoolJson.Default.MachineNames), SharedFile);

    /// <summary>Deletes results older than <see cref="KeepResults"/>, temporary files a killed hook left behind, and empty folders in quarantine.</summary>
    public void Clean(DateTime now)
    {
        foreach (var path in Directory.EnumerateFiles(Results))
        {
            if (now - File.GetLastWriteTimeUtc(path) > KeepResults)
            {
                TryDelete(path);
            }
        }

        using (var requests = RawDirectory.Open(Requests))
        {
            foreach (var name in requests.Names())
            {
                if (name[0] == (byte)'.' && requests.Stat(name) is { } status && now - status.ModifiedUtc > TimeSpan.FromHours(1))
                {
                    requests.Remove(name, status.Kind == EntryKind.Directory);
                }
            }
        }

        if (Directory.Exists(Quarantine))
        {
            using var quarantine = RawDirectory.Open(Quarantine);
            foreach (var name in quarantine.Names())
            {
                if (quarantine.Stat(name) is { } status)
                {
                    quarantine.Remove(name, status.Kind == EntryKind.Directory);
                }
            }
        }
    }

    private static SpoolRequest Request(string name, EntryStatus status, DateTime now)
    {
        var m = RequestName().Match(name);

        // The hook sets the time (it owns the file); it only orders requests and is shown to people, so keep it plausible.
        var at = status.ModifiedUtc;
        at = at > now || at < now - KeepResults ? now : at;
        return new SpoolRequest(m.Groups[1].Value, m.Groups[2].Value, at, name);
    }

    // What makes an entry with a request's name not a request: the hook only ever renames a small regular file of its own into place.
    private static string? Problem(EntryStatus status) => status switch
    {
        { Kind: EntryKind.Directory } => "a directory",
        { Kind: EntryKind.SymbolicLink } => "a symbolic link",
        { Kind: EntryKind.Fifo } => "a FIFO",
        { Kind: EntryKind.Socket } => "a socket",
        { Kind: EntryKind.Device } => "a device",
        { Kind: not EntryKind.Regular } => "not a regular file",
        { Links: > 1 } => $"a file with {status.Links} hard links",
        { Size: > MaxRequestBytes } => $"a file of {status.Size} bytes, more than a request",
        _ => null,
    };

    // An entry that turned out not to be a request once in taken/: removed, or, a directory with something in it, moved to quarantine/.
    private bool Discard(RawDirectory dir, byte[] name, EntryStatus status)
    {
        if (dir.Remove(name, status.Kind == EntryKind.Directory))
        {
            return true;
        }

        Directory.CreateDirectory(Quarantine);
        File.SetUnixFileMode(Quarantine, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var quarantine = RawDirectory.Open(Quarantine);
        dir.Rename(name, quarantine, System.Text.Encoding.ASCII.GetBytes($"{DateTime.UtcNow:yyyyMMddHHmmssfffffff}-{Interlocked.Increment(ref _discarded)}"));
        return false;
    }

    private static readonly System.Text.UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? StrictName(byte[] name)
    {
        try
        {
            return Strict.GetString(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // For the log: printable ASCII as it is, every other byte as \xNN, at most 80 bytes.
    private static string Printable(byte[] name)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var b in name.Take(80))
        {
            sb.Append(b is >= 0x20 and < 0x7f and not (byte)'\\' and not (byte)'\'' ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return name.Length > 80 ? sb.Append("...").ToString() : sb.ToString();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleaning is best effort; the next pass tries again.
        }
    }

    private static T? ReadJson<T>(string path, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), type);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static void WriteAtomic(string path, string content, UnixFileMode mode) =>
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(content), mode);

    [GeneratedRegex(@"\A([0-9a-f]{32})\.([A-Za-z0-9._@-]{1,64})\.req\z", RegexOptions.CultureInvariant)]
    private static partial Regex RequestName();
}

/// <summary>
/// Reports bad spool entries: each one once while it stays (by its name's bytes), and at most <see cref="LinesPerMinute"/>
/// lines a minute, then one line counting the rest, so that whatever user blech puts in the spool, the log stays bounded.
/// </summary>
public sealed class BadEntryLog
{
    public const int LinesPerMinute = 20;

    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private DateTime _window = DateTime.MinValue;
    private int _lines;
    private int _unreported;

    /// <summary>Logs <paramref name="message"/> unless the entry <paramref name="key"/> was reported already or this minute's lines are spent.</summary>
    public void Report(string key, DateTime now, string message, Action<string> log)
    {
        Tick(now, log);
        if (!_reported.Add(key))
        {
            return;
        }

        if (_lines < LinesPerMinute)
        {
            _lines++;
            log(message);
        }
        else
        {
            _unreported++;
        }
    }

    /// <summary>Starts a new minute when one has passed, saying first how many bad entries the last one did not name.</summary>
    public void Tick(DateTime now, Action<string> log)
    {
        if (now - _window < TimeSpan.FromMinutes(1) && now >= _window)
        {
            return;
        }

        if (_unreported > 0)
        {
            log($"{_unreported} more bad entries in the spool were removed or left alone in the last minute without a line each");
        }

        _window = now;
        _lines = 0;
        _unreported = 0;
    }

    /// <summary>Forgets entries that are gone, so the set never outgrows the folder.</summary>
    public void Forget(IReadOnlySet<string> present) => _reported.IntersectWith(present);
}
