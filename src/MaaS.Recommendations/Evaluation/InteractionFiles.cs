namespace MaaS.Recommendations.Evaluation;

/// <summary>Reads tab-separated <c>user item value timestamp</c> files (MovieLens u.data and the shared split).</summary>
public static class InteractionFiles
{
    /// <summary>Parses every line with at least three fields; a missing timestamp reads as 0.</summary>
    public static List<InteractionEvent> ReadTsv(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var events = new List<InteractionEvent>();
        while (reader.ReadLine() is string line)
        {
            var parts = line.Split('\t');
            if (parts.Length < 3)
            {
                continue;
            }

            long ts = parts.Length > 3 ? long.Parse(parts[3], CultureInfo.InvariantCulture) : 0;
            events.Add(new InteractionEvent(parts[0], parts[1], float.Parse(parts[2], CultureInfo.InvariantCulture), ts));
        }

        return events;
    }

    /// <summary>Reads a TSV file.</summary>
    public static List<InteractionEvent> ReadTsv(string path)
    {
        using var reader = new StreamReader(path);
        return ReadTsv(reader);
    }

    /// <summary>Per user, the items of the events as a set (the held-out truth).</summary>
    public static Dictionary<string, HashSet<string>> GroupByUser(IEnumerable<InteractionEvent> events)
    {
        var truth = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!truth.TryGetValue(e.UserId, out var set))
            {
                truth[e.UserId] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(e.ItemId);
        }

        return truth;
    }
}
