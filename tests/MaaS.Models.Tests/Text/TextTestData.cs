namespace MaaS.Models.Tests.Text;

/// <summary>Locates the shared data sets and the repository's shipped models by walking up from the test binaries.</summary>
internal static class TextTestData
{
    public static string? DataDirectory()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("MAAS_DATA_DIR");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Directory.Exists(fromEnv) ? fromEnv : null;
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

    public static string MovieReviewsOrSkip()
    {
        string? data = DataDirectory();
        string dir = data is null ? "" : Path.Combine(data, "sentiment", "mr");
        if (data is null || !MaaS.Models.Text.Data.MovieReviewCorpus.Exists(dir))
        {
            Assert.Skip("MR data (shared/data/sentiment/mr) not found; set MAAS_DATA_DIR to run this test.");
        }

        return dir;
    }

    public static string ContentOrSkip()
    {
        string? data = DataDirectory();
        string dir = data is null ? "" : Path.Combine(data, "content");
        if (data is null || !MaaS.Models.Text.Data.ContentCorpus.Exists(dir))
        {
            Assert.Skip("Netflix titles (shared/data/content) not found; set MAAS_DATA_DIR to run this test.");
        }

        return dir;
    }

    /// <summary>The repository root (the folder holding MaaS.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaaS.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MaaS.sln not found above " + AppContext.BaseDirectory);
    }
}
