namespace MaaS.Models.Registry;

/// <summary>A model folder as found on disk.</summary>
internal sealed record DiskModel(string Name, string Directory, ModelConfig? Config, string? ConfigText, string? ConfigError, long[] Versions)
{
    public string VersionDirectory(long version) => Path.Combine(Directory, version.ToString(CultureInfo.InvariantCulture));
}

/// <summary>Reads the repository layout: model folders, model.json, positive integer version folders, card.json.</summary>
internal static class RepositoryScanner
{
    public static IReadOnlyList<DiskModel> Scan(string root)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(root)
            .Select(Path.GetFileName)
            .Where(n => !string.IsNullOrEmpty(n) && !n.StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .Select(n => ScanModel(root, n!)!)
            .Where(m => m is not null)];
    }

    public static DiskModel? ScanModel(string root, string name)
    {
        if (!IsValidName(name))
        {
            return null;
        }

        string directory = Path.Combine(root, name);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        long[] versions = [.. Directory.EnumerateDirectories(directory)
            .Select(d => long.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : 0)
            .Where(v => v > 0)
            .Order()];
        string configPath = Path.Combine(directory, RepositoryFiles.Config);
        if (!File.Exists(configPath))
        {
            return new DiskModel(name, directory, null, null, $"{RepositoryFiles.Config} is missing", versions);
        }

        string text;
        try
        {
            text = File.ReadAllText(configPath);
        }
        catch (IOException e)
        {
            return new DiskModel(name, directory, null, null, $"{RepositoryFiles.Config} could not be read: {e.Message}", versions);
        }

        var config = ModelConfigReader.TryParse(text, out string? error);
        return new DiskModel(name, directory, config, text, error, versions);
    }

    /// <summary>Reads card.json of a version; null when absent. Throws <see cref="JsonException"/> on bad JSON.</summary>
    public static JsonElement? ReadCard(string versionDirectory)
    {
        string path = Path.Combine(versionDirectory, RepositoryFiles.Card);
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"{RepositoryFiles.Card} must be a JSON object.");
        }

        return document.RootElement.Clone();
    }

    /// <summary>Sizes and write times of every file in a version folder: changes when anything in it is (re)written.</summary>
    public static string Fingerprint(string versionDirectory)
    {
        if (!Directory.Exists(versionDirectory))
        {
            return "";
        }

        var parts = new DirectoryInfo(versionDirectory)
            .EnumerateFiles("*", SearchOption.AllDirectories)
            .OrderBy(f => f.FullName, StringComparer.Ordinal)
            .Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}");
        return string.Join('|', parts);
    }

    /// <summary>Folder names that are safe as model names and URL segments (no path tricks).</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 128
        && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
