using Bridge.Drill;

// Plays Blech on one machine of the failover drill (scripts/drill.sh). Not part of the product.
// Run inside the machine's network namespace. The databases come from the environment, so no password is on a command line:
//   DRILL_LOCAL_NAME, DRILL_LOCAL_ENGINE (postgres|mysql), DRILL_LOCAL_CONN    this machine's database server (admin)
//   DRILL_PEER_NAME,  DRILL_PEER_ENGINE,                   DRILL_PEER_CONN     the other machine's
//
//   bridge-drill setup  --sites N --main-ip V --peer-main-ip D --docroots BASE --www-local DIR --www-peer DIR --cert F --key F --out DIR
//       create Blech on both machines (local with main_ip V, filled through Blech's edits; peer empty with main_ip D),
//       write every site's index.html into both machines' web trees, and the lists the drill checks against into --out
//   bridge-drill edit   --count K --docroots BASE --www-local DIR --www-peer DIR --out FILE
//       K edits through this machine's Blech (a document root moved, a TXT record added, a mailbox added, in turn);
//       what each edit must make visible is written to FILE
//   bridge-drill blechd --root DIR --interval S --graceful CMD --rndc CMD
//       Blech's daemon: regenerate into DIR every S seconds, then run CMD (sh -c) for Apache and for named as Blech does
//   bridge-drill push   --interval S --service-address V
//       Blech's standby push from this machine to the peer every S seconds, while this machine holds V
// Not disposed: ProcessExit may fire after Main returns.
var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => cts.Cancel();

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: bridge-drill setup|edit|blechd|push [options]  (see tests/Bridge.Drill/Program.cs)");
    return 2;
}

try
{
    var options = Options.Parse(args.Skip(1));
    return args[0] switch
    {
        "setup" => await DrillCommands.SetupAsync(options, cts.Token),
        "edit" => await DrillCommands.EditAsync(options, cts.Token),
        "blechd" => await DrillCommands.BlechdAsync(options, cts.Token),
        "push" => await DrillCommands.PushAsync(options, cts.Token),
        _ => Usage($"unknown command '{args[0]}'"),
    };
}
catch (ArgumentException e)
{
    return Usage(e.Message);
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    return 0;
}

static int Usage(string message)
{
    Console.Error.WriteLine($"bridge-drill: {message}");
    return 2;
}
