namespace MaaS.Recommendations.Tests;

/// <summary>Locates /shared/data: MAAS_DATA_DIR, else the first ancestor of the test binaries holding shared/data.</summary>
internal static class SharedData
{
    public static string? Find()
    {
        string? env = Environment.GetEnvironmentVariable("MAAS_DATA_DIR");
        if (!string.IsNullOrEmpty(env))
        {
            return Directory.Exists(env) ? env : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The ml-100k split folder, or skips the test with a reason.</summary>
    public static string MovieLensSplitOrSkip()
    {
        string? root = Find();
        string? split = root is null ? null : Path.Combine(root, "movielens", "ml-100k-split");
        if (split is null || !File.Exists(Path.Combine(split, "train.tsv")) || !File.Exists(Path.Combine(split, "test.tsv")))
        {
            Assert.Skip("MovieLens 100K split not found (looked for shared/data/movielens/ml-100k-split above the test binaries; set MAAS_DATA_DIR).");
        }

        return split!;
    }
}
