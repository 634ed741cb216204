namespace MaaS.Services.Training;

/// <summary>
/// Reads and validates a training upload before anything is stored: JSON with inline rows, CSV (header with
/// <c>text</c> and <c>label</c> or <c>labels</c>, several labels split by <c>|</c>), TSV, or JSON Lines
/// (<c>{"text", "label"}</c> or <c>{"text", "labels": [...]}</c> per line). Every problem is reported (up to
/// <see cref="TrainingOptions.MaxProblems"/>, the rest counted): the body's size and encoding, each row's empty text,
/// missing or blank label, over-long text, and the dataset's label counts. Pure; thread-safe.
/// </summary>
internal static class TrainingDatasetParser
{
    /// <summary>Separator of several labels in one CSV or TSV cell.</summary>
    public const char LabelSeparator = '|';

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Whether the content type is one this parser reads; null when it is not.</summary>
    public static string? Format(string? contentType)
    {
        string media = (contentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "application/json" or "text/json" => "json",
            "text/csv" or "application/csv" => "csv",
            "text/tab-separated-values" => "tsv",
            "application/x-ndjson" or "application/jsonl" or "application/json-lines" or "application/x-jsonlines" or "application/jsonlines" => "jsonl",
            _ => null,
        };
    }

    public static Result<TrainingDataset> Parse(string? contentType, ReadOnlyMemory<byte> body, TrainingParameters query, TrainingOptions options)
    {
        var problems = new Problems(options.MaxProblems);
        if (Format(contentType) is not { } format)
        {
            return Result<TrainingDataset>.Fail(ErrorCode.UnsupportedMediaType,
                "send the dataset as application/json (inline rows), text/csv, text/tab-separated-values or application/x-ndjson (JSON Lines)");
        }

        if (body.Length > options.MaxBodyBytes)
        {
            problems.Add(-1, "body", $"the dataset is larger than the limit of {options.MaxBodyBytes} bytes");
            return problems.ToError();
        }

        if (body.Length == 0)
        {
            problems.Add(-1, "body", "the dataset is empty");
            return problems.ToError();
        }

        string text;
        try
        {
            var bytes = body.Span;
            text = StrictUtf8.GetString(bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes);
        }
        catch (DecoderFallbackException e)
        {
            int offset = Math.Max(0, e.Index);
            int line = body.Span[..Math.Min(offset, body.Length)].Count((byte)'\n') + 1;
            problems.Add(-1, "body", $"the dataset is not valid UTF-8 (first bad byte near offset {offset}, line {line}); send UTF-8 text");
            return problems.ToError();
        }

        var parameters = query;
        List<(string? Text, string[]? Labels)> rows;
        switch (format)
        {
            case "json":
                if (ReadJson(text, problems, ref parameters) is not { } inline)
                {
                    return problems.ToError();
                }

                rows = inline;
                break;
            case "jsonl":
                rows = ReadJsonLines(text, problems);
                break;
            default:
                if (ReadDelimited(text, format == "tsv" ? '\t' : ',', problems) is not { } delimited)
                {
                    return problems.ToError();
                }

                rows = delimited;
                break;
        }

        return Validate(rows, parameters, options, problems);
    }

    private static Result<TrainingDataset> Validate(List<(string? Text, string[]? Labels)> rows, TrainingParameters parameters, TrainingOptions options, Problems problems)
    {
        bool multiLabel = parameters.MultiLabel ?? false;
        if (string.IsNullOrEmpty(parameters.Model))
        {
            problems.Add(-1, "model", "is required: the name of the model to train (1-64 of a-z 0-9 - _)");
        }
        else if (!ModelListing.IsValidName(parameters.Model))
        {
            problems.Add(-1, "model", "must be 1-64 of a-z 0-9 - _, starting with a letter or digit");
        }

        int folds = parameters.Folds ?? 5;
        if (folds is < 2 or > 10)
        {
            problems.Add(-1, "settings.folds", "must be 2..10");
        }

        if (parameters.Lambdas is { } lambdas && (lambdas.Count is 0 or > 8 || lambdas.Any(l => !double.IsFinite(l) || l <= 0 || l > 1)))
        {
            problems.Add(-1, "settings.lambdas", "must list 1..8 L2 strengths, each in (0, 1]");
        }

        if (parameters.FeatureSets is { } sets && (sets.Count == 0 || sets.Any(s => !TextFeatureSets.Names.Contains(s))))
        {
            problems.Add(-1, "settings.featureSets", $"must list some of: {string.Join(", ", TextFeatureSets.Names)}");
        }
        else if (parameters.FeatureSets is { } named && !multiLabel && named.Any(TextFeatureSets.UsesNeighbours))
        {
            problems.Add(-1, "settings.featureSets", $"the {TextFeatureSets.NeighbourSuffix} sets are for multi-label datasets");
        }

        if (rows.Count > options.MaxRows)
        {
            problems.Add(-1, "rows", $"{rows.Count} rows; the limit is {options.MaxRows}");
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var valid = new List<TrainingRow>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var (text, labels) = rows[i];
            bool ok = true;
            if (string.IsNullOrWhiteSpace(text))
            {
                problems.Add(i, $"rows[{i}].text", "is empty");
                ok = false;
            }
            else if (text.Length > options.MaxTextLength)
            {
                problems.Add(i, $"rows[{i}].text", $"has {text.Length} characters; the limit is {options.MaxTextLength}");
                ok = false;
            }

            if (labels is null || labels.Length == 0)
            {
                problems.Add(i, $"rows[{i}].label", "is missing");
                ok = false;
            }
            else if (labels.Any(l => string.IsNullOrWhiteSpace(l) || l.Length > 100 || l.Any(char.IsControl)))
            {
                problems.Add(i, $"rows[{i}].label", "must be 1-100 characters without control characters");
                ok = false;
            }
            else if (!multiLabel && labels.Length > 1)
            {
                problems.Add(i, $"rows[{i}].label", $"has {labels.Length} labels; a single-label dataset gives one per row (set multiLabel for several)");
                ok = false;
            }

            if (ok)
            {
                var distinct = labels!.Select(l => l.Trim()).Distinct(StringComparer.Ordinal).ToArray();
                foreach (string label in distinct)
                {
                    counts[label] = counts.GetValueOrDefault(label) + 1;
                }

                valid.Add(new TrainingRow(text!, distinct));
            }
        }

        if (rows.Count == 0)
        {
            problems.Add(-1, "rows", "the dataset has no rows");
        }
        else if (counts.Count == 1)
        {
            problems.Add(-1, "labels", $"one class only ('{counts.Keys.First()}'); a classifier needs at least two labels");
        }
        else if (counts.Count > options.MaxLabels)
        {
            problems.Add(-1, "labels", $"{counts.Count} distinct labels; the limit is {options.MaxLabels}");
        }

        foreach (var (label, count) in counts.Where(c => c.Value < options.MinExamplesPerLabel).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            problems.Add(-1, "labels", $"label '{label}' has {count} example(s); each label needs at least {options.MinExamplesPerLabel}");
        }

        if (problems.Count > 0)
        {
            return problems.ToError();
        }

        var labelNames = counts.Keys.Order(StringComparer.Ordinal).ToArray();
        var spec = new TrainingSpec(parameters.Model!, multiLabel, folds, parameters.Lambdas, parameters.FeatureSets, valid.Count, labelNames);
        return new TrainingDataset(spec, valid);
    }

    // The members of TrainingRequest, TrainingSettings and TrainingRowContract, as the JSON body spells them (the
    // contracts' own metadata, so a member added there is known here). A JSON Lines upload's rows stay open, as a CSV
    // upload's extra columns are: exported datasets carry ids and such.
    private static readonly string[] RequestMembers = Members<TrainingRequest>();
    private static readonly string[] SettingsMembers = Members<TrainingSettings>();
    private static readonly string[] RowMembers = Members<TrainingRowContract>();

    // Member names match as the contracts' serializer matches them (JsonSerializerDefaults.Web: case-insensitive), the
    // rule of every /v1 JSON body, so {"Model": ...} means here what it means to a bound contract.
    private static readonly StringComparer MemberNames =
        TrainingJsonContext.Default.Options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static string[] Members<T>() => [.. TrainingJsonContext.Default.GetTypeInfo(typeof(T))!.Properties.Select(p => p.Name)];

    /// <summary>The value of <paramref name="value"/>'s member <paramref name="name"/> under <see cref="MemberNames"/>; the last one wins, as when the serializer binds it.</summary>
    private static bool TryGetMember(JsonElement value, string name, out JsonElement member) => TryGetMember(value, name, out member, out _);

    /// <summary>
    /// As <see cref="TryGetMember(JsonElement, string, out JsonElement)"/>, with the member's name as the body spells it:
    /// the path of a problem inside it, as a bound /v1 body's JSON path names what the client sent
    /// (<c>Settings.Fold</c>, not <c>settings.Fold</c>).
    /// </summary>
    private static bool TryGetMember(JsonElement value, string name, out JsonElement member, out string spelt)
    {
        bool found = false;
        member = default;
        spelt = name;
        foreach (var property in value.EnumerateObject())
        {
            if (MemberNames.Equals(property.Name, name))
            {
                (member, spelt, found) = (property.Value, property.Name, true);
            }
        }

        return found;
    }

    private static List<(string?, string[]?)>? ReadJson(string text, Problems problems, ref TrainingParameters parameters)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            problems.Add(-1, "body", $"is not valid JSON: {e.Message}");
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add(-1, "body", "must be a JSON object with model, rows and optional multiLabel and settings");
                return null;
            }

            // The body's members are the contract's (TrainingRequest), as every /v1 JSON body's are: a misspelt one is named, not ignored.
            problems.AddUnknown(root, null, string.Empty, RequestMembers);

            string? model = TryGetMember(root, "model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : parameters.Model;
            bool? multi = TryGetMember(root, "multiLabel", out var ml) && ml.ValueKind is JsonValueKind.True or JsonValueKind.False ? ml.GetBoolean() : parameters.MultiLabel;
            int? folds = parameters.Folds;
            IReadOnlyList<double>? lambdas = parameters.Lambdas;
            IReadOnlyList<string>? sets = parameters.FeatureSets;
            if (TryGetMember(root, "settings", out var settings, out string settingsSpelt) && settings.ValueKind == JsonValueKind.Object)
            {
                problems.AddUnknown(settings, null, settingsSpelt, SettingsMembers);
                if (TryGetMember(settings, "folds", out var f))
                {
                    folds = f.ValueKind == JsonValueKind.Number && f.TryGetInt32(out int n) ? n : -1;
                }

                if (TryGetMember(settings, "lambdas", out var l))
                {
                    lambdas = l.ValueKind == JsonValueKind.Array && l.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number)
                        ? [.. l.EnumerateArray().Select(e => e.GetDouble())]
                        : [double.NaN];
                }

                if (TryGetMember(settings, "featureSets", out var s))
                {
                    sets = s.ValueKind == JsonValueKind.Array && s.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                        ? [.. s.EnumerateArray().Select(e => e.GetString()!)]
                        : [string.Empty];
                }
            }

            parameters = new TrainingParameters(model, multi, folds, lambdas, sets);
            if (!TryGetMember(root, "rows", out var rowsElement, out string rowsSpelt) || rowsElement.ValueKind != JsonValueKind.Array)
            {
                problems.Add(-1, "rows", "is required: an array of {\"text\", \"label\"} (or \"labels\": [...]) objects");
                return [];
            }

            var rows = new List<(string?, string[]?)>(rowsElement.GetArrayLength());
            int i = 0;
            foreach (var row in rowsElement.EnumerateArray())
            {
                if (row.ValueKind == JsonValueKind.Object)
                {
                    problems.AddUnknown(row, i, $"{rowsSpelt}[{i}]", RowMembers);
                }

                rows.Add(Row(row, i++, problems));
            }

            return rows;
        }
    }

    private static List<(string?, string[]?)> ReadJsonLines(string text, Problems problems)
    {
        var rows = new List<(string?, string[]?)>();
        int lineNumber = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            int index = rows.Count;
            try
            {
                using var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
                rows.Add(Row(document.RootElement, index, problems));
            }
            catch (JsonException)
            {
                problems.Add(index, $"rows[{index}]", $"line {lineNumber} is not a JSON object");
                rows.Add((string.Empty, ["?"]));
            }
        }

        return rows;
    }

    private static (string?, string[]?) Row(JsonElement row, int index, Problems problems)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            problems.Add(index, $"rows[{index}]", "must be an object with text and label (or labels)");
            return (string.Empty, ["?"]);
        }

        string? text = TryGetMember(row, "text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        string[]? labels = null;
        if (TryGetMember(row, "label", out var l) && l.ValueKind == JsonValueKind.String)
        {
            labels = [l.GetString()!];
        }
        else if (TryGetMember(row, "labels", out var ls) && ls.ValueKind == JsonValueKind.Array)
        {
            labels = [.. ls.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : string.Empty)];
        }

        return (text, labels);
    }

    private static List<(string?, string[]?)>? ReadDelimited(string text, char delimiter, Problems problems)
    {
        var records = MaaS.Models.Text.Data.CsvReader.Read(new StringReader(text), delimiter).ToList();
        if (records.Count == 0)
        {
            problems.Add(-1, "body", "the dataset is empty");
            return null;
        }

        var header = records[0].Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int textColumn = Array.IndexOf(header, "text");
        if (textColumn < 0)
        {
            textColumn = Array.IndexOf(header, "sentence");
        }

        int labelColumn = Array.IndexOf(header, "label");
        if (labelColumn < 0)
        {
            labelColumn = Array.IndexOf(header, "labels");
        }

        if (textColumn < 0 || labelColumn < 0)
        {
            problems.Add(-1, "header", "the first line must name the columns, with one called text (or sentence) and one called label (or labels)");
            return null;
        }

        var rows = new List<(string?, string[]?)>(records.Count - 1);
        foreach (var record in records.Skip(1))
        {
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue;
            }

            string? value = textColumn < record.Length ? record[textColumn] : null;
            string? cell = labelColumn < record.Length ? record[labelColumn] : null;
            string[]? labels = string.IsNullOrWhiteSpace(cell) ? null : cell.Split(LabelSeparator, StringSplitOptions.TrimEntries);
            rows.Add((value, labels));
        }

        return rows;
    }

    /// <summary>Collects problems up to a limit and counts the rest.</summary>
    private sealed class Problems(int max)
    {
        private readonly List<FieldProblem> _listed = [];
        private int _more;

        public int Count => _listed.Count + _more;

        public void Add(int index, string field, string reason) => Add(new FieldProblem(index, field, reason));

        /// <summary>Every member of <paramref name="value"/> (an object) that <paramref name="members"/> does not name, at <paramref name="path"/>.</summary>
        public void AddUnknown(JsonElement value, int? index, string path, string[] members)
        {
            foreach (var member in value.EnumerateObject())
            {
                if (!members.Contains(member.Name, MemberNames))
                {
                    Add(FieldProblem.UnknownMember(index, path.Length == 0 ? member.Name : $"{path}.{member.Name}", member.Name, members));
                }
            }
        }

        private void Add(FieldProblem problem)
        {
            if (_listed.Count < max)
            {
                _listed.Add(problem);
            }
            else
            {
                _more++;
            }
        }

        public Error ToError()
        {
            var all = _more == 0 ? _listed : [.. _listed, new FieldProblem(-1, "rows", $"and {_more} more problem(s) not listed")];
            return Error.Invalid(all);
        }
    }
}
