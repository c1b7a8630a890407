using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Core;
using Bridge.Data.Run;
using Bridge.Data.State;
using Bridge.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Cli;

/// <summary><c>blech-bridge promote</c>, <c>blech-bridge demote</c> and <c>blech-bridge status</c>: the runtime's operations, rendered.</summary>
public static class RoleCommands
{
    public static async Task<int> PromoteAsync(string configPath, string requestedBy, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        if (!BridgeRuntime.TryLoad(configPath, loggerFactory, out var runtime, out var invalid))
        {
            return await BridgeApp.FailAsync(stderr, "promote", invalid);
        }

        var outcome = await runtime.PromoteAsync(requestedBy, ct);
        if (outcome is { Result: { } result })
        {
            var apache = outcome.Apache;
            await stdout.WriteLineAsync($"promoted to active (epoch {result.Role.Epoch}): {result.ZonesRaised} zone serials raised"
                + (result.RegisteredServiceAddress ? $", {runtime.Config.ServiceAddress} registered" : string.Empty)
                + (outcome.Reclaimed.Count > 0 ? $", {outcome.Reclaimed.Count} sites put back on {runtime.Config.ServiceAddress}" : string.Empty)
                + (result.PeerSeen ? string.Empty : "; the peer did not answer")
                + (apache is null ? string.Empty : $"; apache {apache.Outcome}" + (apache.ChangedFiles.Count > 0 ? $" ({apache.ChangedFiles.Count} files)" : string.Empty)));
        }

        return outcome.Failure is { } failure ? await BridgeApp.FailAsync(stderr, "promote", failure) : ExitCodes.Success;
    }

    public static async Task<int> DemoteAsync(string configPath, string requestedBy, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        if (!BridgeRuntime.TryLoad(configPath, loggerFactory, out var runtime, out var invalid))
        {
            return await BridgeApp.FailAsync(stderr, "demote", invalid);
        }

        var outcome = await runtime.DemoteAsync(requestedBy, ct);
        if (outcome.Failure is { } failure)
        {
            return await BridgeApp.FailAsync(stderr, "demote", failure);
        }

        await stdout.WriteLineAsync($"demoted to standby (epoch {outcome.Role!.Epoch}); the next sync pulls from the peer");
        return ExitCodes.Success;
    }

    public static async Task<int> StatusAsync(string configPath, string format, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!BridgeRuntime.TryLoad(configPath, NullLoggerFactory.Instance, out var runtime, out var invalid))
        {
            return await BridgeApp.FailAsync(stderr, "status", invalid);
        }

        var outcome = await runtime.StatusAsync(ct);
        if (outcome.Failure is { } failure)
        {
            return await BridgeApp.FailAsync(stderr, "status", failure);
        }

        var status = outcome.Status!;
        await stdout.WriteAsync(format == "json" ? Json(status, outcome.Pending, outcome.Hint) : Text(status, outcome.Pending, outcome.Hint));
        if (status.BothActive)
        {
            await stderr.WriteLineAsync("blech-bridge status: both machines claim to be active; demote the one that does not hold V");
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    private static string Text(StatusReport s, int? pending, string? hint)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"this machine: {s.Local.Role}, epoch {s.Local.Epoch}{(s.Local.ChangedAt is { } at ? $", since {at:yyyy-MM-dd HH:mm:ss}Z" : string.Empty)}");
        sb.AppendLine(s.Peer is { } p ? $"peer: {p.Role}, epoch {p.Epoch}" : $"peer: unreachable ({s.PeerError})");
        sb.AppendLine(s.LastRun is { } run ? $"last sync: {run.StartedAt:yyyy-MM-dd HH:mm:ss}Z {run.Outcome}: {run.Summary ?? run.Error}" : "last sync: never");
        if (s.LastSuccess is { } ok && ok != s.LastRun)
        {
            sb.AppendLine($"last successful sync: {ok.StartedAt:yyyy-MM-dd HH:mm:ss}Z");
        }

        sb.AppendLine($"zones whose serials differ: {s.Serials.Count}");
        foreach (var z in s.Serials.Take(50))
        {
            sb.AppendLine($"  {z.Zone} here {z.Local?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} peer {z.Peer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
        }

        sb.AppendLine(pending is { } n ? $"pending changes: {n}" : "pending changes: unknown");
        if (s.BothActive)
        {
            sb.AppendLine("BOTH MACHINES CLAIM TO BE ACTIVE");
        }

        if (hint is not null)
        {
            sb.AppendLine(hint);
        }

        return sb.ToString();
    }

    // Built as a JSON tree, not serialized by reflection, so that the Native AOT command writes the same text.
    private static string Json(StatusReport s, int? pending, string? hint)
    {
        static JsonObject? Role(RoleState? r) => r is null ? null : new JsonObject
        {
            ["role"] = r.Role,
            ["epoch"] = r.Epoch,
            ["changedAt"] = r.ChangedAt,
            ["changedBy"] = r.ChangedBy,
        };
        static JsonObject? Run(RunSummary? r) => r is null ? null : new JsonObject
        {
            ["command"] = r.Command,
            ["requestedBy"] = r.RequestedBy,
            ["startedAt"] = r.StartedAt,
            ["finishedAt"] = r.FinishedAt,
            ["outcome"] = r.Outcome,
            ["summary"] = r.Summary,
            ["error"] = r.Error,
        };
        return new JsonObject
        {
            ["local"] = Role(s.Local),
            ["peer"] = Role(s.Peer),
            ["peerError"] = s.PeerError,
            ["bothActive"] = s.BothActive,
            ["lastSync"] = Run(s.LastRun),
            ["lastSuccessfulSync"] = Run(s.LastSuccess),
            ["serials"] = new JsonArray([.. s.Serials.Select(z => new JsonObject { ["zone"] = z.Zone, ["local"] = z.Local, ["peer"] = z.Peer })]),
            ["pending"] = pending,
            ["hint"] = hint,
        }.ToJsonString(Indented) + Environment.NewLine;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
