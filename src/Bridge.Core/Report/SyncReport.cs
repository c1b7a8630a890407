using System.Text;
using System.Text.Json;
using Bridge.Core.Model;
using Bridge.Core.Plan;

namespace Bridge.Core.Report;

/// <summary>What a run did (or, dry, would do): the plan's counts, skipped rows, reverts, and how it ended.</summary>
public sealed record SyncReport(SyncPlan Plan, bool DryRun, bool Applied, IReadOnlyList<string> Refusals)
{
    /// <summary>
    /// How many changes a report lists one by one; a first sync of a large host has hundreds of thousands, and the counts in
    /// the summary say everything a person or a script needs about the rest.
    /// </summary>
    public const int MaxListed = 10_000;

    /// <summary>How many change lines the text report shows by default, after the verdict and what needs a person.</summary>
    public const int TextListed = 100;

    /// <summary>Zone serials raised on the active machine so that none goes backwards (or, dry, that would be).</summary>
    public IReadOnlyList<SerialRaise> SerialRaises { get; init; } = [];

    /// <summary>Blech's host names of the machine read from and the machine written to, when known.</summary>
    public (string? Peer, string? Local) Machines { get; init; }

    /// <summary>A sentence about the run as a whole, shown first.</summary>
    public string? Note { get; init; }

    /// <summary>True when this machine is the active one, so the run pulled nothing from the other.</summary>
    public bool ActiveHere { get; init; }

    /// <summary>The Apache step, when the run had one.</summary>
    public ApacheSummary? Apache { get; init; }

    public bool HasChanges => Plan.HasChanges || Apache is { ChangedFiles.Count: > 0, Outcome: "dry-run" };

    /// <summary>One JSON object: <c>summary</c> (per kind and per action, reverts apart), <c>skipped</c>, <c>reverted</c>, <c>changes</c>.</summary>
    public string ToJson()
    {
        using var text = new StringWriter();
        WriteJson(text);
        return text.ToString();
    }

    /// <summary>
    /// Writes <see cref="ToJson"/>'s object to <paramref name="output"/> as it goes, in pieces of about 64 KiB, so that a large
    /// report is never held whole.
    /// </summary>
    public void WriteJson(TextWriter output)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(80 * 1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            // Hands what the writer holds to the output once it is large; whole tokens only, so no character is split.
            void Drain(bool always = false)
            {
                if (always || w.BytesPending + buffer.WrittenCount > 64 * 1024)
                {
                    w.Flush();
                    output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
                    buffer.ResetWrittenCount();
                }
            }

            w.WriteStartObject();
            w.WriteBoolean("dryRun", DryRun);
            w.WriteBoolean("applied", Applied);
            if (Note is not null)
            {
                w.WriteString("note", Note);
            }

            w.WriteStartObject("machines");
            w.WriteString("peer", Machines.Peer);
            w.WriteString("local", Machines.Local);
            w.WriteEndObject();

            w.WriteStartArray("serialRaises");
            foreach (var r in SerialRaises)
            {
                w.WriteStartObject();
                w.WriteString("zone", r.Zone);
                w.WriteNumber("from", r.From);
                w.WriteNumber("to", r.To);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("summary");
            foreach (var kind in ObjectKinds.All)
            {
                w.WriteStartObject(kind.Name());
                foreach (var action in Enum.GetValues<PlanAction>())
                {
                    w.WriteNumber(ActionName(action), Plan.CountOf(kind, action));
                }

                w.WriteEndObject();
            }

            foreach (var action in Enum.GetValues<PlanAction>())
            {
                w.WriteNumber(ActionName(action), Plan.Steps.Count(s => s.Action == action && !s.Revert));
            }

            w.WriteNumber("reverted", Plan.Reverts.Count());
            w.WriteNumber("revertedFiles", Apache?.RevertedFiles.Count ?? 0);
            w.WriteNumber("skipped", Plan.Skipped.Count);
            w.WriteNumber("kept", Plan.Kept.Count);
            w.WriteNumber("conflicts", Plan.Conflicts.Count());
            w.WriteEndObject();

            w.WriteStartArray("conflicts");
            foreach (var c in Plan.Conflicts)
            {
                w.WriteStartObject();
                w.WriteString("kind", c.Kind.Name());
                w.WriteString("key", c.Key);
                w.WriteString("action", ActionName(c.Action));
                w.WriteStartArray("fields");
                foreach (var f in c.Changes)
                {
                    w.WriteStartObject();
                    w.WriteString("name", f.Name);
                    if (!f.Secret)
                    {
                        w.WriteString("standby", f.From);
                        w.WriteString("active", f.To);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();

            WriteObjects(w, "skipped", Plan.Skipped);
            WriteObjects(w, "warnings", Plan.Warnings);
            WriteObjects(w, "kept", Plan.Kept);

            w.WriteStartArray("reverted");
            foreach (var r in Plan.Reverts)
            {
                w.WriteStartObject();
                w.WriteString("kind", r.Kind.Name());
                w.WriteString("key", r.Key);
                w.WriteString("field", r.Changes[0].Name);
                w.WriteString("from", r.Changes[0].From);
                w.WriteString("to", r.Changes[0].To);
                w.WriteEndObject();
            }

            foreach (var file in Apache?.RevertedFiles ?? [])
            {
                w.WriteStartObject();
                w.WriteString("kind", "apache_file");
                w.WriteString("key", file);
                w.WriteEndObject();
            }

            w.WriteEndArray();

            if (Apache is { } apache)
            {
                w.WriteStartObject("apache");
                w.WriteString("outcome", apache.Outcome);
                w.WriteBoolean("reloaded", apache.Reloaded);
                if (apache.Reason is not null)
                {
                    w.WriteString("reason", apache.Reason);
                }

                w.WriteStartArray("changedFiles");
                apache.ChangedFiles.ToList().ForEach(w.WriteStringValue);
                w.WriteEndArray();
                w.WriteStartArray("warnings");
                apache.Warnings.ToList().ForEach(w.WriteStringValue);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteStartArray("registeredAddresses");
            foreach (var a in Plan.AddressesToRegister)
            {
                w.WriteStringValue(a);
            }

            w.WriteEndArray();

            w.WriteStartArray("changes");
            foreach (var step in Plan.Steps.Where(s => !s.Revert).Take(MaxListed))
            {
                w.WriteStartObject();
                w.WriteString("kind", step.Kind.Name());
                w.WriteString("action", ActionName(step.Action));
                w.WriteString("key", step.Key);
                if (step.Changes.Count > 0)
                {
                    w.WriteStartArray("fields");
                    foreach (var c in step.Changes)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", c.Name);
                        if (!c.Secret)
                        {
                            w.WriteString("from", c.From);
                            w.WriteString("to", c.To);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
                Drain();
            }

            w.WriteEndArray();

            w.WriteNumber("changesNotListed", Math.Max(0, Plan.Steps.Count(s => !s.Revert) - MaxListed));

            w.WriteStartArray("refused");
            foreach (var r in Refusals)
            {
                w.WriteStringValue(r);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            Drain(always: true);
        }
    }

    /// <summary>A text listing for people: one line per change (+ insert, ~ update, - delete, ! revert), then skipped rows.</summary>
    // A list of (kind, key, reason): the rows skipped, and the ones carried with a warning.
    private static void WriteObjects(Utf8JsonWriter w, string name, IReadOnlyList<SkippedObject> objects)
    {
        w.WriteStartArray(name);
        foreach (var s in objects)
        {
            w.WriteStartObject();
            w.WriteString("kind", s.Kind.Name());
            w.WriteString("key", s.Key);
            w.WriteString("reason", s.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public string ToText() => ToText(TextListed);

    /// <summary>
    /// The text report, verdict first: the summary (or the guard's refusal), the note, then what needs a person (skipped
    /// rows, conflicts, warnings, an Apache step that failed), then at most <paramref name="listed"/> change lines and the
    /// count of the rest.
    /// </summary>
    public string ToText(int listed)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Refusals.Count > 0 ? $"REFUSED by the guard, nothing applied ({Summary()})" : Summary());
        foreach (var r in Refusals)
        {
            sb.Append("refused: ").AppendLine(r);
        }

        if (Note is not null)
        {
            sb.AppendLine(Note);
        }

        foreach (var s in Plan.Skipped)
        {
            sb.Append("skipped ").Append(s.Kind.Name()).Append(' ').Append(s.Key).Append(": ").AppendLine(s.Reason);
        }

        foreach (var s in Plan.Kept)
        {
            sb.Append("kept ").Append(s.Kind.Name()).Append(' ').Append(s.Key).Append(": ").AppendLine(s.Reason);
        }

        foreach (var c in Plan.Conflicts)
        {
            sb.Append("conflict ").Append(c.Kind.Name()).Append(' ').Append(c.Key).Append(": ")
                .Append(c.Action == PlanAction.Delete ? "made on the standby, not on the active machine" : "edited on the standby")
                .Append("; the active machine's version wins");
            if (c.Changes.Count > 0)
            {
                sb.Append(" (standby -> active: ").AppendJoin("; ", c.Changes.Select(f => f.ToString())).Append(')');
            }

            sb.AppendLine();
        }

        foreach (var s in Plan.Warnings)
        {
            sb.Append("warning ").Append(s.Kind.Name()).Append(' ').Append(s.Key).Append(": ").AppendLine(s.Reason);
        }

        // A missing generated tree is not news on every run: `check` and `ready` say it; JSON keeps the outcome.
        if (Apache is { } apache)
        {
            foreach (var warning in apache.Warnings)
            {
                sb.Append("warning apache ").AppendLine(warning);
            }

            if (apache.Reason is not null && apache.Outcome != "skipped")
            {
                sb.Append("apache ").Append(apache.Outcome).Append(": ").AppendLine(apache.Reason);
            }
        }

        // Only the lines shown are written out; the rest are counted (a first sync has hundreds of thousands).
        foreach (var line in ChangeLines().Take(listed))
        {
            sb.AppendLine(line);
        }

        var lines = SerialRaises.Count + Plan.AddressesToRegister.Count + Plan.Steps.Count + (Apache?.ChangedFiles.Count ?? 0);
        if (lines > listed)
        {
            sb.Append("... and ").Append(lines - listed).AppendLine(" more changes (`--all` lists every one; the summary above counts them all)");
        }

        return sb.ToString();
    }

    private IEnumerable<string> ChangeLines()
    {
        foreach (var r in SerialRaises)
        {
            yield return $"^ zone {r.Zone} serial {r.From} -> {r.To} on the active machine (the standby already served its serial)";
        }

        foreach (var a in Plan.AddressesToRegister)
        {
            yield return $"+ ip_address {a} (registered so that Blech's repair rule keeps sites on it)";
        }

        foreach (var step in Plan.Steps)
        {
            var mark = step.Revert ? '!' : step.Action switch { PlanAction.Insert => '+', PlanAction.Update => '~', _ => '-' };
            var line = new StringBuilder().Append(mark).Append(' ').Append(step.Kind.Name()).Append(' ').Append(step.Key);
            if (step.Revert)
            {
                line.Append(" (reverted by Blech: ").Append(step.Changes[0]).Append(')');
            }
            else if (step.Changes.Count > 0)
            {
                line.Append(": ").AppendJoin("; ", step.Changes.Select(c => c.ToString()));
            }

            yield return line.ToString();
        }

        if (Apache is { } apache)
        {
            foreach (var file in apache.ChangedFiles)
            {
                yield return apache.RevertedFiles.Contains(file) ? $"! apache {file} (Blech had written D back)" : $"~ apache {file}";
            }
        }
    }

    /// <summary>One line: counts of inserts, updates, deletes, reverts and skipped rows.</summary>
    public string Summary()
    {
        string Count(PlanAction a) => string.Join(", ", ObjectKinds.All
            .Select(k => (k, n: Plan.CountOf(k, a)))
            .Where(x => x.n > 0)
            .Select(x => $"{x.n} {x.k.Name()}"));

        var parts = Enum.GetValues<PlanAction>()
            .Select(a => (a, text: Count(a)))
            .Where(x => x.text.Length > 0)
            .Select(x => $"{ActionName(x.a)} {x.text}")
            .ToList();
        var reverted = Plan.Reverts.Count();
        if (reverted > 0)
        {
            parts.Add($"reverted {reverted}");
        }

        if (Plan.Skipped.Count > 0)
        {
            parts.Add($"skipped {Plan.Skipped.Count}");
        }

        if (Plan.Kept.Count > 0)
        {
            parts.Add($"kept {Plan.Kept.Count} never copied to the peer");
        }

        var conflicts = Plan.Conflicts.Count();
        if (conflicts > 0)
        {
            parts.Add($"conflicts {conflicts}");
        }

        if (Apache is { ChangedFiles.Count: > 0 } apache)
        {
            parts.Add(apache.RevertedFiles.Count > 0
                ? $"apache {apache.ChangedFiles.Count} files ({apache.RevertedFiles.Count} reverted)"
                : $"apache {apache.ChangedFiles.Count} files");
        }

        var verb = DryRun || !Applied ? "pending" : "applied";
        return parts.Count == 0 ? "no changes" : $"{verb}: {string.Join("; ", parts)}";
    }

    public static string ActionName(PlanAction action) => action switch
    {
        PlanAction.Insert => "insert",
        PlanAction.Update => "update",
        _ => "delete",
    };
}

/// <summary>A zone serial raised on the active machine.</summary>
public sealed record SerialRaise(string Zone, long From, long To);

/// <summary>What the Apache step of a run did (or, dry, would do) to the standby's vhost files.</summary>
public sealed record ApacheSummary(string Outcome, IReadOnlyList<string> ChangedFiles, IReadOnlyList<string> RevertedFiles, IReadOnlyList<string> Warnings, string? Reason, bool Reloaded)
{
    public bool Succeeded => Outcome is "applied" or "unchanged" or "dry-run" or "skipped";

    /// <summary>The unified diff of a dry run.</summary>
    public string Diff { get; init; } = string.Empty;
}
