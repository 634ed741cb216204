using System.Text.Json;

namespace MaaS.Storage.Import;

/// <summary>
/// Which source column (CSV header) or member (JSON Lines) feeds each catalogue field, parsed from
/// <c>id=show_id,title=title,text=description,genres=listed_in</c>. <c>id</c> and <c>title</c> are required; a list
/// field (genres, tags) is a JSON array or a comma-separated string.
/// </summary>
public sealed record ItemFieldMap(string Id, string Title, string? Text, string? Genres, string? Tags, string? Kind)
{
    private static readonly string[] Fields = ["id", "title", "text", "genres", "tags", "kind"];

    public static Result<ItemFieldMap> Parse(string? map)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in (map ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || kv[1].Length == 0 || !Fields.Contains(kv[0], StringComparer.OrdinalIgnoreCase))
            {
                return Error.Invalid("map", $"'{part}' is not field=column with a field among {string.Join(", ", Fields)}");
            }

            pairs[kv[0]] = kv[1];
        }

        return pairs.TryGetValue("id", out var id) && pairs.TryGetValue("title", out var title)
            ? new ItemFieldMap(id, title, pairs.GetValueOrDefault("text"), pairs.GetValueOrDefault("genres"), pairs.GetValueOrDefault("tags"), pairs.GetValueOrDefault("kind"))
            : Error.Invalid("map", "id=… and title=… are required");
    }
}

/// <summary>
/// Reads catalogue items from a CSV file (RFC 4180: header row, quoted fields may hold commas, doubled quotes and line
/// breaks) or a JSON Lines file (<c>.jsonl</c>, <c>.ndjson</c>: one object per line), through an <see cref="ItemFieldMap"/>.
/// A kind column with a value other than movie, song or game (e.g. Netflix's "TV Show") takes the default kind.
/// </summary>
public static class ItemFileReader
{
    // JSON array members are joined with a control character no name holds, so commas inside a genre survive.
    private const char ArraySeparator = '\u001f';

    /// <summary>Every item of the file, or the first problem (with its 1-based record number).</summary>
    public static Result<IReadOnlyList<CatalogItem>> Read(string path, ItemFieldMap map, ItemKind defaultKind)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (!File.Exists(path))
        {
            return Error.NotFound($"file {path}");
        }

        string extension = Path.GetExtension(path).ToLowerInvariant();
        var records = extension is ".jsonl" or ".ndjson" ? JsonLines(path) : Csv(path);
        if (!records.TryGetValue(out var rows, out var error))
        {
            return error;
        }

        var items = new List<CatalogItem>(rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            string? id = row.GetValueOrDefault(map.Id)?.Trim(), title = Clean(row.GetValueOrDefault(map.Title));
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(title))
            {
                return Error.Invalid([new FieldProblem(r + 1, string.IsNullOrEmpty(id) ? map.Id : map.Title, "missing or empty")]);
            }

            var kind = map.Kind is { } k && row.GetValueOrDefault(k) is { } text && TryKind(text, out var parsed) ? parsed : defaultKind;
            string? description = map.Text is null ? null : Clean(row.GetValueOrDefault(map.Text));
            items.Add(new CatalogItem(id, kind, title, List(row, map.Genres), List(row, map.Tags), string.IsNullOrWhiteSpace(description) ? null : description));
        }

        return items;
    }

    private static bool TryKind(string text, out ItemKind kind)
    {
        ItemKind? parsed = text.Trim().ToLowerInvariant() switch
        {
            "movie" => ItemKind.Movie,
            "song" => ItemKind.Song,
            "game" => ItemKind.Game,
            _ => null,
        };
        kind = parsed ?? default;
        return parsed is not null;
    }

    private static string[] List(Dictionary<string, string> row, string? column) =>
        column is null || !row.TryGetValue(column, out var text)
            ? []
            : [.. text.Split(text.Contains(ArraySeparator, StringComparison.Ordinal) ? ArraySeparator : ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Clean).Where(v => v.Length > 0)];

    // The store refuses control characters (they break logs and drivers); in exported data they are line breaks
    // inside a field (Netflix's s8420 title), which read as a space.
    private static string Clean(string? text) =>
        string.IsNullOrEmpty(text) ? "" : string.Join(' ', text.Split((char[])[.. text.Where(char.IsControl).Distinct()], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static Result<List<Dictionary<string, string>>> Csv(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var records = Records(reader).ToList();
        if (records.Count == 0)
        {
            return Error.Invalid("file", "no header row");
        }

        var header = CsvLine.Split(records[0]);
        var rows = new List<Dictionary<string, string>>(records.Count - 1);
        for (int r = 1; r < records.Count; r++)
        {
            var fields = CsvLine.Split(records[r]);
            if (fields.Count != header.Count)
            {
                return Error.Invalid([new FieldProblem(r, "record", $"{fields.Count} fields, the header has {header.Count}")]);
            }

            var row = new Dictionary<string, string>(header.Count, StringComparer.Ordinal);
            for (int c = 0; c < header.Count; c++)
            {
                row[header[c]] = fields[c];
            }

            rows.Add(row);
        }

        return rows;
    }

    // A record ends at a line break outside quotes: an odd count of quote characters so far means the field goes on.
    private static IEnumerable<string> Records(TextReader reader)
    {
        var record = new StringBuilder();
        int quotes = 0;
        while (reader.ReadLine() is { } line)
        {
            if (record.Length > 0)
            {
                record.Append('\n');
            }

            record.Append(line);
            quotes += line.Count(c => c == '"');
            if (quotes % 2 == 0)
            {
                if (record.Length > 0)
                {
                    yield return record.ToString();
                }

                record.Clear();
                quotes = 0;
            }
        }

        if (record.Length > 0)
        {
            yield return record.ToString();
        }
    }

    private static Result<List<Dictionary<string, string>>> JsonLines(string path)
    {
        var rows = new List<Dictionary<string, string>>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Error.Invalid([new FieldProblem(number, "line", "not a JSON object")]);
                }

                var row = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var member in document.RootElement.EnumerateObject())
                {
                    row[member.Name] = member.Value.ValueKind switch
                    {
                        JsonValueKind.String => member.Value.GetString()!,
                        JsonValueKind.Array => string.Join(ArraySeparator, member.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
                        JsonValueKind.Null => "",
                        _ => member.Value.GetRawText(),
                    };
                }

                rows.Add(row);
            }
            catch (JsonException e)
            {
                return Error.Invalid([new FieldProblem(number, "line", $"not JSON: {e.Message}")]);
            }
        }

        return rows;
    }
}
