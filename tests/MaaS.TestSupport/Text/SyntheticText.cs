namespace MaaS.TestSupport.Text;

/// <summary>Seeded synthetic review-like sentences whose polarity is carried by known cue words.</summary>
public static class SyntheticText
{
    private static readonly string[] Neutral = ["the", "film", "plot", "actor", "story", "scene", "director", "movie", "ending", "cast", "music", "was", "is", "quite", "very"];
    private static readonly string[] Positive = ["great", "wonderful", "moving", "brilliant", "funny", "charming"];
    private static readonly string[] Negative = ["dull", "boring", "awful", "tedious", "clumsy", "bland"];

    public static (List<string> Texts, List<int> Labels) Sentiment(int count, int seed)
    {
        var rng = new Random(seed);
        var texts = new List<string>(count);
        var labels = new List<int>(count);
        for (int i = 0; i < count; i++)
        {
            int label = rng.Next(2);
            var words = Enumerable.Range(0, rng.Next(4, 12)).Select(_ => Neutral[rng.Next(Neutral.Length)]).ToList();
            var cues = label == 1 ? Positive : Negative;
            words.Insert(rng.Next(words.Count), cues[rng.Next(cues.Length)]);
            if (rng.NextDouble() < 0.1)
            {
                label = 1 - label; // label noise keeps the problem from being separable
            }

            texts.Add(string.Join(' ', words) + " .");
            labels.Add(label);
        }

        return (texts, labels);
    }

    /// <summary>Multi-label: tag j is present when one of its two cue words is in the text.</summary>
    public static (List<string> Texts, List<int[]> Labels, string[] Names) Tags(int count, int seed)
    {
        string[][] cues = [["space", "alien"], ["murder", "detective"], ["love", "wedding"], ["dragon", "magic"]];
        var rng = new Random(seed);
        var texts = new List<string>(count);
        var labels = new List<int[]>(count);
        for (int i = 0; i < count; i++)
        {
            var words = Enumerable.Range(0, rng.Next(5, 12)).Select(_ => Neutral[rng.Next(Neutral.Length)]).ToList();
            var tags = Enumerable.Range(0, cues.Length).Where(_ => rng.NextDouble() < 0.35).ToList();
            if (tags.Count == 0)
            {
                tags.Add(rng.Next(cues.Length));
            }

            foreach (int tag in tags)
            {
                words.Insert(rng.Next(words.Count), cues[tag][rng.Next(2)]);
            }

            texts.Add(string.Join(' ', words));
            labels.Add([.. tags]);
        }

        return (texts, labels, ["sci-fi", "crime", "romance", "fantasy"]);
    }
}
