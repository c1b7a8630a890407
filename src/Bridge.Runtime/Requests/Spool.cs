using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
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

/// <summary>
/// The request spool: the only thing the unprivileged hook and the privileged service share. Layout (see
/// scripts/blech-plugin/README.md for owners and modes):
/// <c>requests/</c> where the hook drops a request (its name carries all of it: <c>&lt;id&gt;.&lt;admin&gt;.req</c>; the service
/// never opens a file the hook wrote), <c>taken/</c> requests being served, <c>results/&lt;id&gt;.json</c> the answers,
/// <c>running</c>, <c>last</c>, <c>alive</c> (the service's heartbeat), <c>names</c>, and <c>serve.lock</c>.
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

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Root { get; } = Path.GetFullPath(root);

    public string Requests => Path.Combine(Root, "requests");

    public string Results => Path.Combine(Root, "results");

    public string Taken => Path.Combine(Root, "taken");

    public string RunningFile => Path.Combine(Root, "running");

    public string LastFile => Path.Combine(Root, "last");

    public string AliveFile => Path.Combine(Root, "alive");

    public string NamesFile => Path.Combine(Root, "names");

    public string LockFile => Path.Combine(Root, "serve.lock");

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

    public RequestResult? ReadResult(string id) => ReadJson<RequestResult>(ResultPath(id));

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
        var run = ReadJson<ResyncRun>(RunningFile);
        var (alive, pid) = ReadAlive(now);
        return run is not null && alive && run.Pid == pid ? run : null;
    }

    public ResyncRun? ReadLast() => ReadJson<ResyncRun>(LastFile);

    // ---- the service's side (root) ----

    /// <summary>Creates missing folders with their modes; their group is the spool folder's (install.sh sets it setgid).</summary>
    public void EnsureLayout()
    {
        const UnixFileMode rwx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Create(Requests, rwx | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.SetGroup | UnixFileMode.StickyBit);
        Create(Results, rwx | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.SetGroup);
        Create(Taken, rwx);

        static void Create(string path, UnixFileMode mode)
        {
            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path);
                File.SetUnixFileMode(path, mode);
            }
        }
    }

    /// <summary>Moves every pending request to <c>taken/</c>, oldest first; a name that is not a request is deleted.</summary>
    public IReadOnlyList<SpoolRequest> Take(DateTime now, Action<string> log)
    {
        var taken = new List<SpoolRequest>();
        foreach (var path in Directory.EnumerateFiles(Requests))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith('.'))
            {
                continue;
            }

            var request = Parse(name, path, now);
            if (request is null)
            {
                log($"ignoring '{Printable(name)}' in {Requests}: not a request");
                TryDelete(path);
                continue;
            }

            try
            {
                File.Move(path, Path.Combine(Taken, name), overwrite: true);
            }
            catch (FileNotFoundException)
            {
                continue; // withdrawn by its hook a moment ago
            }

            taken.Add(request);
        }

        return [.. taken.OrderBy(r => r.RequestedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    /// <summary>Requests a crashed service had taken and not answered: they are served again.</summary>
    public IReadOnlyList<SpoolRequest> TakeBack(DateTime now) =>
        [.. Directory.EnumerateFiles(Taken)
            .Select(path => Parse(Path.GetFileName(path), path, now))
            .OfType<SpoolRequest>()
            .OrderBy(r => r.RequestedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];

    /// <summary>Writes the answer to <paramref name="request"/>, then forgets the request.</summary>
    public void Answer(RequestResult result, SpoolRequest request)
    {
        WriteAtomic(ResultPath(result.Id), JsonSerializer.Serialize(result, Json), SharedFile);
        TryDelete(Path.Combine(Taken, request.FileName));
    }

    public void WriteRunning(ResyncRun run) => WriteAtomic(RunningFile, JsonSerializer.Serialize(run, Json), SharedFile);

    public void ClearRunning() => TryDelete(RunningFile);

    public void WriteLast(ResyncRun run) => WriteAtomic(LastFile, JsonSerializer.Serialize(run, Json), SharedFile);

    public void Beat(int pid) => WriteAtomic(AliveFile, pid.ToString(CultureInfo.InvariantCulture) + "\n", SharedFile);

    public MachineNames ReadNames() => ReadJson<MachineNames>(NamesFile) ?? new MachineNames(null, null);

    public void WriteNames(MachineNames names) => WriteAtomic(NamesFile, JsonSerializer.Serialize(names, Json), SharedFile);

    /// <summary>Deletes results older than <see cref="KeepResults"/> and temporary files a killed hook left behind.</summary>
    public void Clean(DateTime now)
    {
        foreach (var path in Directory.EnumerateFiles(Results))
        {
            if (now - File.GetLastWriteTimeUtc(path) > KeepResults)
            {
                TryDelete(path);
            }
        }

        foreach (var path in Directory.EnumerateFiles(Requests, ".*"))
        {
            if (now - File.GetLastWriteTimeUtc(path) > TimeSpan.FromHours(1))
            {
                TryDelete(path);
            }
        }
    }

    private static SpoolRequest? Parse(string name, string path, DateTime now)
    {
        var m = RequestName().Match(name);
        if (!m.Success)
        {
            return null;
        }

        // The hook sets the time (it owns the file); it only orders requests and is shown to people, so keep it plausible.
        var at = File.GetLastWriteTimeUtc(path);
        at = at > now || at < now - KeepResults ? now : at;
        return new SpoolRequest(m.Groups[1].Value, m.Groups[2].Value, at, name);
    }

    private static string Printable(string name) => new([.. name.Take(80).Select(c => char.IsControl(c) ? '?' : c)]);

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

    private static T? ReadJson<T>(string path)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json);
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
