using MaaS.Recommendations.Evaluation;
using MaaS.Recommendations.Interactions;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>Inputs shared by the recommendation benchmarks.</summary>
internal static class BenchmarkData
{
    /// <summary>The shared ml-100k training split (MAAS_DATA_DIR, else the first ancestor holding shared/data).</summary>
    public static List<InteractionEvent> MovieLensTrain()
    {
        string? env = Environment.GetEnvironmentVariable("MAAS_DATA_DIR");
        var roots = new List<string>();
        if (!string.IsNullOrEmpty(env))
        {
            roots.Add(env);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            roots.Add(Path.Combine(dir.FullName, "shared", "data"));
        }

        string? path = roots.Select(r => Path.Combine(r, "movielens", "ml-100k-split", "train.tsv")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("ml-100k split not found: set MAAS_DATA_DIR to the folder holding movielens/ml-100k-split.");
        return InteractionFiles.ReadTsv(path);
    }
}
