namespace MaaS.Models.Text.Data;

/// <summary>Reads Pang &amp; Lee's sentence polarity data (MR): <c>rt-polarity.neg</c> and <c>rt-polarity.pos</c>, UTF-8, one snippet per line.</summary>
public static class MovieReviewCorpus
{
    /// <summary>Label names in output order.</summary>
    public static readonly IReadOnlyList<string> Labels = ["negative", "positive"];

    /// <summary>True when <paramref name="directory"/> holds both files.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, "rt-polarity.neg")) && File.Exists(Path.Combine(directory, "rt-polarity.pos"));

    /// <summary>Loads negatives then positives (ids <c>neg:line</c>, <c>pos:line</c>, 1-based).</summary>
    public static LabeledCorpus Load(string directory)
    {
        var examples = new List<LabeledText>(10_662);
        Read("rt-polarity.neg", "neg", 0);
        Read("rt-polarity.pos", "pos", 1);
        return new LabeledCorpus(examples, Labels);

        void Read(string file, string prefix, int label)
        {
            int line = 0;
            foreach (string text in File.ReadLines(Path.Combine(directory, file)))
            {
                line++;
                if (text.Trim().Length > 0)
                {
                    examples.Add(new LabeledText($"{prefix}:{line}", text, [label]));
                }
            }
        }
    }
}
