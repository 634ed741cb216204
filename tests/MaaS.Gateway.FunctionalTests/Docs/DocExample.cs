namespace MaaS.Gateway.FunctionalTests.Docs;

/// <summary>
/// One shell example of a markdown file: a fenced <c>bash</c>, <c>sh</c> or <c>console</c> block, the output the
/// document promises for it (the <c>json</c>, <c>text</c> or <c>output</c> block right after it, only blank lines in
/// between; none: the block need only succeed), and the reason it is not run (an HTML comment
/// <c>&lt;!-- skip-test: reason --&gt;</c> on the line above the fence).
/// </summary>
internal sealed partial record DocExample(string File, int Line, string Script, string? Expected, string? SkipReason, int ExpectedOpen = -1, int ExpectedClose = -1)
{
    private static readonly HashSet<string> Shells = ["bash", "sh", "console"];
    private static readonly HashSet<string> Outputs = ["json", "text", "output"];

    public override string ToString() => $"{File}:{Line}";

    /// <summary>Every shell example of <paramref name="markdown"/>, in document order.</summary>
    public static List<DocExample> Parse(string file, string markdown)
    {
        string[] lines = markdown.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var blocks = new List<(int Open, int Close, string Language, string Body)>();
        for (int i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            string indent = open.Groups[1].Value;
            int close = i + 1;
            while (close < lines.Length && lines[close].Trim() != "```")
            {
                close++;
            }

            var body = lines[(i + 1)..Math.Min(close, lines.Length)].Select(l => l.StartsWith(indent, StringComparison.Ordinal) ? l[indent.Length..] : l);
            blocks.Add((i, close, open.Groups[2].Value.ToLowerInvariant(), string.Join('\n', body)));
            i = close;
        }

        var examples = new List<DocExample>();
        for (int b = 0; b < blocks.Count; b++)
        {
            var (openLine, closeLine, language, body) = blocks[b];
            if (!Shells.Contains(language))
            {
                continue;
            }

            string? expected = null;
            int expectedOpen = -1, expectedClose = -1;
            if (b + 1 < blocks.Count && Outputs.Contains(blocks[b + 1].Language)
                && lines[(closeLine + 1)..blocks[b + 1].Open].All(string.IsNullOrWhiteSpace))
            {
                expected = blocks[b + 1].Body;
                (expectedOpen, expectedClose) = (blocks[b + 1].Open, blocks[b + 1].Close);
            }

            int above = openLine - 1;
            while (above >= 0 && string.IsNullOrWhiteSpace(lines[above]))
            {
                above--;
            }

            var skip = above >= 0 ? SkipMarker().Match(lines[above]) : Match.Empty;
            examples.Add(new DocExample(file, openLine + 1, body, expected, skip.Success ? skip.Groups[1].Value.Trim() : null, expectedOpen, expectedClose));
        }

        return examples;
    }

    /// <summary>
    /// True when <paramref name="actual"/> is what <paramref name="expected"/> shows, after both are normalised
    /// (<see cref="Normalise"/>): line by line, where <c>…</c> inside a line stands for any text and a line of only
    /// <c>…</c> for any number of lines.
    /// </summary>
    public static bool Matches(string expected, string actual)
    {
        var want = Normalise(expected);
        var got = Normalise(actual);
        var memo = new Dictionary<(int, int), bool>();
        return Match(0, 0);

        bool Match(int w, int g)
        {
            if (memo.TryGetValue((w, g), out bool known))
            {
                return known;
            }

            bool result;
            if (w == want.Count)
            {
                result = g == got.Count;
            }
            else if (want[w] == "…")
            {
                result = Match(w + 1, g) || (g < got.Count && Match(w, g + 1));
            }
            else
            {
                result = g < got.Count && LinePattern(want[w]).IsMatch(got[g]) && Match(w + 1, g + 1);
            }

            memo[(w, g)] = result;
            return result;
        }
    }

    /// <summary>
    /// The lines to compare: trailing blanks and empty lines dropped, and the fields that change from run to run
    /// masked: trace ids, 16- and 32-hex ids, API keys, timestamps, durations and counters of time, and every number
    /// with more than three decimals rounded to three (model scores differ in the last digits between CPUs).
    /// </summary>
    public static List<string> Normalise(string text)
    {
        string masked = TraceId().Replace(text, "\"traceId\":\"<trace>\"");
        masked = ApiKey().Replace(masked, "maas_<key>");
        masked = Timestamp().Replace(masked, "<time>");
        masked = TimeField().Replace(masked, m => $"{m.Groups[1].Value}<n>");
        masked = LongNumber().Replace(masked, m => double.Parse(m.Value, CultureInfo.InvariantCulture).ToString("0.###", CultureInfo.InvariantCulture));
        masked = Hex().Replace(masked, "<id>");
        return [.. masked.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0)];
    }

    /// <summary>
    /// <paramref name="markdown"/> with the expected-output blocks of <paramref name="outputs"/> replaced by what the
    /// examples printed (for <c>MAAS_DOCS_ACCEPT=1</c>: the writer then shortens long lines with <c>…</c>).
    /// </summary>
    public static string Accept(string markdown, IEnumerable<(DocExample Example, string Output)> outputs)
    {
        var lines = markdown.Replace("\r", "", StringComparison.Ordinal).Split('\n').ToList();
        foreach (var (example, output) in outputs.Where(o => o.Example.ExpectedOpen >= 0).OrderByDescending(o => o.Example.ExpectedOpen))
        {
            string indent = lines[example.ExpectedOpen][..(lines[example.ExpectedOpen].Length - lines[example.ExpectedOpen].TrimStart().Length)];
            var body = output.TrimEnd('\n').Split('\n').Select(l => indent + l.TrimEnd());
            lines.RemoveRange(example.ExpectedOpen + 1, example.ExpectedClose - example.ExpectedOpen - 1);
            lines.InsertRange(example.ExpectedOpen + 1, body);
        }

        return string.Join('\n', lines);
    }

    private static Regex LinePattern(string line) =>
        new("^" + string.Join(".*", line.Split('…').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"^(\s*)```(\w+)?.*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"<!--\s*skip-test:(.+?)-->")]
    private static partial Regex SkipMarker();

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    [GeneratedRegex(@"maas_[0-9a-f]{16}_[A-Za-z0-9_\-]+")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\b([0-9a-f]{32}|[0-9a-f]{16})\b")]
    private static partial Regex Hex();

    [GeneratedRegex(@"(""(?:durationMilliseconds|ns|last_inference)"":\s*)[0-9.]+")]
    private static partial Regex TimeField();

    [GeneratedRegex(@"-?\d+\.\d{4,}(?:[eE][+-]?\d+)?")]
    private static partial Regex LongNumber();
}
