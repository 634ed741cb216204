using MaaS.Storage.Import;

namespace MaaS.Gateway.FunctionalTests.Batches;

/// <summary>Batch input files built from the shared data sets: Netflix descriptions and MR review sentences.</summary>
internal static class BatchData
{
    /// <summary>The first <paramref name="count"/> Netflix descriptions, by show id.</summary>
    public static IReadOnlyList<(string Id, string Text)> Netflix(int count)
    {
        string folder = SharedData.Require("content", "netflix_titles.csv");
        var map = ItemFieldMap.Parse("id=show_id,title=title,text=description,genres=listed_in,kind=type").Value;
        return [.. ItemFileReader.Read(Path.Combine(folder, "netflix_titles.csv"), map, ItemKind.Movie).Value.Take(count).Select(i => (i.ItemId, i.Text!))];
    }

    /// <summary>The first <paramref name="count"/> MR sentences of each polarity, interleaved.</summary>
    public static IReadOnlyList<string> Reviews(int count)
    {
        string mr = SharedData.Require("sentiment/mr", "rt-polarity.neg", "rt-polarity.pos");
        var negative = File.ReadLines(Path.Combine(mr, "rt-polarity.neg")).Where(l => l.Trim().Length > 0).Take(count);
        var positive = File.ReadLines(Path.Combine(mr, "rt-polarity.pos")).Where(l => l.Trim().Length > 0).Take(count);
        return [.. negative.Zip(positive).SelectMany(p => new[] { p.First, p.Second })];
    }

    /// <summary>One JSONL line of OpenAI's batch input.</summary>
    public static string Line(string customId, string url, JsonNode body) =>
        new JsonObject { ["custom_id"] = customId, ["method"] = "POST", ["url"] = url, ["body"] = body }.ToJsonString() + "\n";

    /// <summary>The lines of a JSONL file, parsed.</summary>
    public static List<JsonNode> Lines(string jsonl) =>
        [.. jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];
}
