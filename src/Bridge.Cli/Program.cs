using Bridge.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    _ = Task.Run(cancel.Cancel);
};

// SIGTERM (systemd stopping a service) ends long-running commands cleanly, like Ctrl+C: a run in progress rolls back.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;

    // Not on the signal's own thread: cancellation runs the callbacks of whatever is waiting, and the run's ending with them.
    _ = Task.Run(cancel.Cancel);
});

// Standard output through a 64 KiB buffer, flushed after every write: a line still appears at once (follow, watch, serve),
// and a report of a full sync goes out in 64 KiB writes, not in Console.Out's 256-byte ones (some 400,000 system calls for
// the large dataset's JSON report).
await using var stdout = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 64 * 1024) { AutoFlush = true });
return await BridgeApp.RunAsync(args, stdout, Console.Error, cancel.Token);
