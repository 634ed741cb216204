using MaaS.Recommendations.Evaluation;
using MaaS.Recommendations.Interactions;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>Inputs shared by the recommendation benchmarks.</summary>
internal static class BenchmarkData
{
    /// <summary>The shared ml-100k training split (found as <see cref="SharedData"/> finds every data set).</summary>
    public static List<InteractionEvent> MovieLensTrain()
    {
        string split = Path.Combine("movielens", "ml-100k-split");
        string folder = SharedData.Find(split, "train.tsv") ?? throw new InvalidOperationException(SharedData.MissingReason(split, "train.tsv"));
        return InteractionFiles.ReadTsv(Path.Combine(folder, "train.tsv"));
    }
}
