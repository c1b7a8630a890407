using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Bridge.Cli;

/// <summary>One problem in a configuration file: where (a JSON path, and the line and column when known) and what.</summary>
public sealed record ConfigProblem(string Path, int? Line, int? Column, string Message)
{
    public override string ToString() => Line is { } line ? $"{Message} (line {line}, column {Column})" : Message;
}

/// <summary>
/// Checks a configuration file against the schema shipped with Bridge (<c>schema/config/bridge.schema.json</c>, embedded):
/// syntax with line and column, unknown keys with the nearest known one, types, ranges and required keys, every problem at
/// once. The schema is the one description of the file; this class only words what it finds.
/// </summary>
public static class ConfigValidator
{
    private static readonly Lazy<(JsonSchema Schema, JsonNode Node)> Schema = new(() =>
    {
        using var stream = typeof(ConfigValidator).Assembly.GetManifestResourceStream("bridge.schema.json")
            ?? throw new InvalidOperationException("the configuration schema is not embedded in this build");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return (JsonSchema.FromText(text), JsonNode.Parse(text)!);
    });

    /// <summary>The schema's text, for <c>--help</c> and for editors.</summary>
    public static string SchemaText => Schema.Value.Node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public static IReadOnlyList<ConfigProblem> Validate(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0) + 1;
            var column = (int)(e.BytePositionInLine ?? 0) + 1;
            return [new ConfigProblem("", line, column, $"not valid JSON: {FirstSentence(e.Message)}")];
        }

        using (document)
        {
            var positions = Positions(bytes);
            var results = Schema.Value.Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (results.IsValid)
            {
                return [];
            }

            var problems = new List<ConfigProblem>();
            foreach (var detail in new[] { results }.Concat(results.Details ?? []).Where(d => d.Errors is { Count: > 0 }))
            {
                var pointer = detail.InstanceLocation.ToString();
                foreach (var (keyword, _) in detail.Errors!)
                {
                    if (keyword is "$ref" or "allOf" or "anyOf")
                    {
                        continue;
                    }

                    var message = Word(keyword, pointer, Resolve(document.RootElement, pointer), SchemaNode(detail.SchemaLocation));
                    if (message is null)
                    {
                        continue;
                    }

                    positions.TryGetValue(pointer, out var at);
                    problems.Add(new ConfigProblem(JsonPath(pointer), at.Line == 0 ? null : at.Line, at.Line == 0 ? null : at.Column, message));
                }
            }

            return [.. problems.DistinctBy(p => p.ToString()).OrderBy(p => p.Line ?? 0).ThenBy(p => p.Column ?? 0)];
        }
    }

    private static string? Word(string keyword, string pointer, JsonElement? value, JsonNode? schema)
    {
        var path = JsonPath(pointer);
        var name = path.Length == 0 ? "the configuration" : path;
        switch (keyword)
        {
            case "":
            case "falseSchema":
            case "additionalProperties":
                {
                    var key = Unescape(pointer[(pointer.LastIndexOf('/') + 1)..]);
                    var parent = pointer[..pointer.LastIndexOf('/')];
                    var known = KnownKeys(parent);
                    var near = Nearest(key, known);
                    var where = parent.Length == 0 ? string.Empty : $" in {JsonPath(parent)}";
                    return near is null
                        ? $"unknown key '{key}'{where} (known: {string.Join(", ", known)})"
                        : $"unknown key '{key}'{where}; did you mean '{near}'?";
                }

            case "required":
                {
                    var required = schema?["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [];
                    var present = value is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal) : [];
                    var missing = required.Where(r => !present.Contains(r)).ToList();
                    return string.Join("; ", missing.Select(m =>
                    {
                        var full = path.Length == 0 ? m : $"{path}.{m}";
                        var isSection = schema?["properties"]?[m]?["$ref"] is not null || schema?["properties"]?[m]?["type"]?.GetValue<string>() == "object";
                        return isSection ? $"section '{full}' is missing" : $"{full} is missing";
                    }));
                }

            case "type":
                {
                    var expected = schema?["type"]?.GetValue<string>() ?? "another type";
                    var hint = expected == "array" && path.EndsWith("addressMap", StringComparison.Ordinal) ? " (a list of { \"from\": ..., \"to\": ... } objects)" : string.Empty;
                    return $"{name} must be {Article(expected)}, not {Kind(value)}{hint}";
                }

            case "enum":
                {
                    var allowed = schema?["enum"]?.AsArray().Select(n => n!.ToJsonString()).ToList() ?? [];
                    var shown = value is { ValueKind: JsonValueKind.String } s ? s.GetString() : value?.GetRawText();
                    return path.EndsWith(".engine", StringComparison.Ordinal)
                        ? $"{path} '{shown}' is not an engine Bridge knows (postgres or mysql)"
                        : $"{name} '{shown}' is not one of {string.Join(", ", allowed)}";
                }

            case "minimum":
            case "maximum":
            case "exclusiveMinimum":
                {
                    var low = schema?["minimum"] ?? schema?["exclusiveMinimum"];
                    var high = schema?["maximum"];
                    var lowWord = schema?["exclusiveMinimum"] is not null ? "more than" : "at least";
                    var range = (low, high) switch
                    {
                        (not null, not null) when schema?["exclusiveMinimum"] is null => $"between {low} and {high}",
                        (not null, not null) => $"{lowWord} {low} and at most {high}",
                        (not null, null) => $"{lowWord} {low}",
                        _ => $"at most {high}",
                    };
                    return $"{name} {value?.GetRawText()} must be {range}";
                }

            case "minLength":
                return $"{name} is empty";

            default:
                return $"{name}: {keyword}";
        }
    }

    /// <summary>The keys the schema allows in the object at <paramref name="pointer"/> (array indices skipped).</summary>
    private static List<string> KnownKeys(string pointer)
    {
        JsonNode? node = Schema.Value.Node;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = Deref(node);
            node = int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _) && node?["items"] is { } items
                ? items
                : node?["properties"]?[Unescape(segment)];
        }

        node = Deref(node);
        return node?["properties"]?.AsObject().Select(p => p.Key).Where(k => k != "$schema").ToList() ?? [];
    }

    private static JsonNode? Deref(JsonNode? node) =>
        node?["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal)
            ? reference[2..].Split('/').Aggregate((JsonNode?)Schema.Value.Node, (n, s) => n?[s])
            : node;

    private static JsonNode? SchemaNode(Uri location)
    {
        var fragment = Uri.UnescapeDataString(location.Fragment.TrimStart('#'));
        JsonNode? node = Schema.Value.Node;
        foreach (var segment in fragment.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                JsonObject o => o[Unescape(segment)],
                _ => null,
            };
        }

        // The location names the keyword's own value for some keywords; the object that holds the keyword is what is read.
        while (node is not null and not JsonObject)
        {
            node = node.Parent;
        }

        return node;
    }

    private static string? Nearest(string key, IReadOnlyList<string> known)
    {
        var exact = known.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        if (exact is not null)
        {
            return exact;
        }

        var best = known.Select(k => (Key: k, Distance: Distance(key.ToLowerInvariant(), k.ToLowerInvariant()))).OrderBy(x => x.Distance).FirstOrDefault();
        if (best.Key is not null && best.Distance <= Math.Max(2, best.Key.Length / 3))
        {
            return best.Key;
        }

        // "retries" for "retry": one name grown from the other.
        return known.FirstOrDefault(k => k.Length >= 4 && key.Length >= 4 && (key.StartsWith(k[..^1], StringComparison.OrdinalIgnoreCase) || k.StartsWith(key[..^1], StringComparison.OrdinalIgnoreCase)));
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static JsonElement? Resolve(JsonElement root, string pointer)
    {
        var element = root;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Unescape(segment);
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child))
            {
                element = child;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < element.GetArrayLength())
            {
                element = element[i];
            }
            else
            {
                return null;
            }
        }

        return element;
    }

    /// <summary>Where each value starts: JSON pointer → (line, column), both from 1.</summary>
    private static Dictionary<string, (int Line, int Column)> Positions(byte[] bytes)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        (int, int) At(long offset)
        {
            var line = lineStarts.BinarySearch((int)offset);
            line = line >= 0 ? line : ~line - 1;
            return (line + 1, (int)offset - lineStarts[line] + 1);
        }

        var positions = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var stack = new Stack<(bool IsArray, string Path, int Index, string? Property)>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });

        string Current()
        {
            if (stack.Count == 0)
            {
                return string.Empty;
            }

            var top = stack.Peek();
            return top.IsArray ? $"{top.Path}/{top.Index}" : $"{top.Path}/{Escape(top.Property ?? string.Empty)}";
        }

        void AfterValue()
        {
            if (stack.Count > 0 && stack.Peek().IsArray)
            {
                var top = stack.Pop();
                stack.Push(top with { Index = top.Index + 1 });
            }
        }

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var top = stack.Pop();
                    stack.Push(top with { Property = reader.GetString() });
                    positions[Current()] = At(reader.TokenStartIndex);
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var path = Current();
                    positions.TryAdd(path, At(reader.TokenStartIndex));
                    stack.Push((reader.TokenType == JsonTokenType.StartArray, path, 0, null));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    AfterValue();
                    break;
                default:
                    positions.TryAdd(Current(), At(reader.TokenStartIndex));
                    AfterValue();
                    break;
            }
        }

        return positions;
    }

    /// <summary><c>/addressMap/0/from</c> → <c>addressMap[0].from</c>.</summary>
    private static string JsonPath(string pointer)
    {
        var b = new StringBuilder();
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                b.Append('[').Append(i).Append(']');
            }
            else
            {
                b.Append(b.Length == 0 ? string.Empty : ".").Append(Unescape(segment));
            }
        }

        return b.ToString();
    }

    private static string Kind(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    private static string Article(string type) => type switch
    {
        "object" => "an object",
        "array" => "an array (a list)",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "string" => "a string",
        _ => type,
    };

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Unescape(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
