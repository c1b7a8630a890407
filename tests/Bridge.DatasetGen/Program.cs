using Bridge.DatasetGen;

// bridge-dataset: fills Blech databases for the benchmark and changes them as Blech would. See Cli.UsageText.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await Cli.RunAsync(args, Console.Out, Console.Error, cancel.Token);
