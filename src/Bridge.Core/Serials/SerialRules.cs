using Bridge.Core.Model;
using Bridge.Core.Normalize;
using Bridge.Core.Plan;

namespace Bridge.Core.Serials;

/// <summary>A zone serial that must be raised on the active machine before the standby takes it.</summary>
public sealed record SerialRaiseNeed(int PeerZoneId, long From, long To);

/// <summary>
/// The serial invariant across failover and failback: no machine's serial ever goes backwards, two different contents never
/// carry the same serial, and after a sync the standby's zone equals the active's, serial included.
/// </summary>
public static class SerialRules
{
    /// <summary>
    /// The zones whose active serial cannot simply be copied: its content differs from the standby's but its serial is not
    /// newer than every serial the standby served (the failback trap), or copying it would take the standby's serial back.
    /// Each gets the serial after the newest one known on either machine.
    /// </summary>
    public static Dictionary<string, SerialRaiseNeed> Raises(SyncPlan plan, SyncSet peer, SyncSet local, IReadOnlyDictionary<string, ZoneSerialState> known)
    {
        var changedZones = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            if (step.Kind == ObjectKind.Record)
            {
                changedZones.Add((step.Source ?? step.Target)!.ParentKey!);
            }
            else if (step.Kind == ObjectKind.Zone && step.Action == PlanAction.Update && step.Changes.Any(c => c.Name != "serial"))
            {
                changedZones.Add(step.Key);
            }
        }

        var raises = new Dictionary<string, SerialRaiseNeed>(StringComparer.Ordinal);
        foreach (var step in plan.Steps.Where(s => s.Kind == ObjectKind.Zone && s.Action != PlanAction.Delete))
        {
            var zone = (ZoneRow)step.Source!.Row;
            var active = zone.Serial;
            var state = known.GetValueOrDefault(step.Key) ?? new ZoneSerialState(null, null);
            long? standby = step.Target is { Row: ZoneRow z } ? z.Serial : null;
            bool need;
            if (standby is { } s)
            {
                var served = state.LocalMax is { } l ? Serial.Newest(s, l) : s;
                need = (changedZones.Contains(step.Key) || active != s) && !Serial.IsNewer(active, served);
            }
            else
            {
                need = state.LocalMax is { } l && !Serial.IsNewer(active, l);
            }

            if (need)
            {
                raises[step.Key] = new SerialRaiseNeed(zone.Id, active, Serial.Next(state.Newest(active, standby ?? active)));
            }
        }

        // Zone rows equal on both sides, serial included, but records differ: the standby already served this serial with
        // other content, so the new content needs a new serial.
        var zoneSteps = plan.Steps.Where(s => s.Kind == ObjectKind.Zone).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var origin in changedZones.Where(o => !raises.ContainsKey(o) && !zoneSteps.Contains(o)))
        {
            if (!local[ObjectKind.Zone].ContainsKey(origin) || !peer[ObjectKind.Zone].TryGetValue(origin, out var source))
            {
                continue;
            }

            var zone = (ZoneRow)source.Row;
            var state = known.GetValueOrDefault(origin) ?? new ZoneSerialState(null, null);
            raises[origin] = new SerialRaiseNeed(zone.Id, zone.Serial, Serial.Next(state.Newest(zone.Serial)));
        }

        return raises;
    }

    /// <summary>The snapshot with the raised serials in place, as the active machine will hold them after the raise.</summary>
    public static BlechSnapshot WithSerials(BlechSnapshot snapshot, IReadOnlyDictionary<string, SerialRaiseNeed> raises)
    {
        var zones = snapshot.Zones.Select(z => raises.TryGetValue(HostNames.Origin(z.Origin), out var r) ? z with { Serial = r.To } : z).ToList();
        return snapshot with { Zones = zones };
    }

    /// <summary>What Bridge knows about each zone after a sync: the peer's serials seen and the standby's served.</summary>
    public static Dictionary<string, ZoneSerialState> AfterSync(IReadOnlyDictionary<string, ZoneSerialState> before, BlechSnapshot peer, BlechSnapshot local, SyncPlan plan)
    {
        var after = new Dictionary<string, ZoneSerialState>(before, StringComparer.Ordinal);
        ZoneSerialState Get(string origin) => after.GetValueOrDefault(origin) ?? new ZoneSerialState(null, null);
        foreach (var z in local.Zones)
        {
            var origin = HostNames.Origin(z.Origin);
            after[origin] = Get(origin).WithLocal(z.Serial);
        }

        var skipped = plan.Skipped.Where(s => s.Kind == ObjectKind.Zone).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var z in peer.Zones)
        {
            var origin = HostNames.Origin(z.Origin);
            var state = Get(origin).WithPeer(z.Serial);
            after[origin] = skipped.Contains(origin) ? state : state.WithLocal(z.Serial);
        }

        return after;
    }
}
