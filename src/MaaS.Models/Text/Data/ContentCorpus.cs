namespace MaaS.Models.Text.Data;

/// <summary>
/// Reads the Netflix titles CSV for multi-label tagging: text = title + ". " + description, labels = the
/// <c>listed_in</c> tags (label order: by frequency, then name). Split: test = numeric id divisible by 5.
/// </summary>
public static class ContentCorpus
{
    /// <summary>The file name inside the data folder.</summary>
    public const string FileName = "netflix_titles.csv";

    /// <summary>True when the CSV exists in <paramref name="directory"/>.</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, FileName));

    /// <summary>The text a content item is featurized from (training and serving both use this).</summary>
    public static string ComposeText(string? title, string description) =>
        string.IsNullOrWhiteSpace(title) ? description : $"{title.Trim()}. {description}";

    /// <summary>True for the deterministic test split of the data set's README (../shared/data/content): <c>s123</c> → 123, divisible by 5.</summary>
    public static bool IsTest(string showId) =>
        showId.Length > 1 && int.TryParse(showId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n % 5 == 0;

    /// <summary>Every complete row's show id, title and description (what a catalogue item of it holds besides its tags).</summary>
    public static List<(string Id, string Title, string Description)> ReadTitles(string directory)
    {
        using var reader = new StreamReader(Path.Combine(directory, FileName));
        var rows = CsvReader.Read(reader).ToList();
        string[] header = rows[0];
        int id = Array.IndexOf(header, "show_id"), title = Array.IndexOf(header, "title"), description = Array.IndexOf(header, "description");
        return [.. rows.Skip(1).Where(r => r.Length == header.Length).Select(r => (r[id], r[title], r[description]))];
    }

    /// <summary>Loads all rows with at least one tag.</summary>
    public static LabeledCorpus Load(string directory)
    {
        using var reader = new StreamReader(Path.Combine(directory, FileName));
        var rows = CsvReader.Read(reader).ToList();
        string[] header = rows[0];
        int id = Array.IndexOf(header, "show_id"), title = Array.IndexOf(header, "title");
        int listed = Array.IndexOf(header, "listed_in"), description = Array.IndexOf(header, "description");
        var parsed = rows.Skip(1)
            .Where(r => r.Length == header.Length)
            .Select(r => (Id: r[id], Text: ComposeText(r[title], r[description]),
                Tags: r[listed].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            .Where(r => r.Tags.Length > 0)
            .ToList();
        string[] labels = [.. parsed.SelectMany(r => r.Tags).GroupBy(t => t, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key)];
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var examples = parsed.Select(r => new LabeledText(r.Id, r.Text, [.. r.Tags.Select(t => index[t]).Distinct().Order()])).ToList();
        return new LabeledCorpus(examples, labels);
    }
}
