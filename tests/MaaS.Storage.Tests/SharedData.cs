namespace MaaS.Storage.Tests;

/// <summary>Finds /work/shared/data-style data: MAAS_DATA_DIR, else the first ancestor holding shared/data.</summary>
internal static class SharedData
{
    public static string? Find(string relative)
    {
        if (Environment.GetEnvironmentVariable("MAAS_DATA_DIR") is { Length: > 0 } root)
        {
            var candidate = Path.Combine(root, relative);
            return Directory.Exists(candidate) ? candidate : null;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", relative);
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static string Require(string relative) =>
        Find(relative) ?? throw Xunit.Sdk.SkipException.ForSkip(
            $"Data folder '{relative}' not found under MAAS_DATA_DIR or any ancestor's shared/data; these tests need the MovieLens data.");
}
