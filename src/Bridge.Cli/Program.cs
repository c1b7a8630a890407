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

return await BridgeApp.RunAsync(args, Console.Out, Console.Error, cancel.Token);
