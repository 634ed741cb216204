namespace MaaS.TestSupport;

/// <summary>
/// The checkout and the data sets shared beside it (MovieLens, MR, Netflix titles), found from the test binaries:
/// <c>MAAS_DATA_DIR</c> when set, else <c>../shared/data</c> next to the repository root (the folder holding MaaS.sln),
/// else the first ancestor of the test binaries holding <c>shared/data</c>. The data sets are not in the repository,
/// so tests that need one skip with the reason when it is absent. Thread-safe.
/// </summary>
public static class SharedData
{
    /// <summary>The environment variable that names the data root explicitly.</summary>
    public const string Variable = "MAAS_DATA_DIR";

    private static readonly Lazy<string?> RepositoryRootOrNull = new(() => Ancestors().FirstOrDefault(d => File.Exists(Path.Combine(d, "MaaS.sln"))));

    /// <summary>The repository root (the folder holding MaaS.sln above the test binaries).</summary>
    /// <exception cref="InvalidOperationException">The binaries do not live under a checkout.</exception>
    public static string RepositoryRoot =>
        RepositoryRootOrNull.Value ?? throw new InvalidOperationException("MaaS.sln not found above " + AppContext.BaseDirectory);

    /// <summary>
    /// The data root, or null when there is none. An explicit <c>MAAS_DATA_DIR</c> that does not exist gives null
    /// rather than falling back, so a mistyped override is not silently replaced by other data.
    /// </summary>
    public static string? Root
    {
        get
        {
            if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } explicitRoot)
            {
                return Directory.Exists(explicitRoot) ? explicitRoot : null;
            }

            if (RepositoryRootOrNull.Value is { } repository
                && Path.GetFullPath(Path.Combine(repository, "..", "shared", "data")) is var beside && Directory.Exists(beside))
            {
                return beside;
            }

            return Ancestors().Select(d => Path.Combine(d, "shared", "data")).FirstOrDefault(Directory.Exists);
        }
    }

    /// <summary>
    /// The folder <paramref name="relative"/> under the data root (e.g. <c>movielens/ml-100k-split</c>), or null when it
    /// or one of <paramref name="files"/> inside it is missing.
    /// </summary>
    public static string? Find(string relative, params string[] files)
    {
        if (Root is not { } root)
        {
            return null;
        }

        string folder = Path.Combine(root, relative);
        return Directory.Exists(folder) && files.All(f => File.Exists(Path.Combine(folder, f))) ? folder : null;
    }

    /// <summary>The folder as <see cref="Find"/> gives it, or skips the calling test with <see cref="MissingReason"/>.</summary>
    public static string Require(string relative, params string[] files)
    {
        if (Find(relative, files) is { } folder)
        {
            return folder;
        }

        Assert.Skip(MissingReason(relative, files));
        return null!;
    }

    /// <summary>Why a data set is not there: what was looked for, where, and how to point the tests at it.</summary>
    public static string MissingReason(string relative, params string[] files)
    {
        string what = files.Length == 0 ? relative : $"{relative} ({string.Join(", ", files)})";
        string where = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } explicitRoot
            ? $"{Variable}={explicitRoot}"
            : "../shared/data beside the repository root or any ancestor's shared/data";
        return $"Shared data {what} not found in {where}; set {Variable} to the folder holding it to run this test.";
    }

    private static IEnumerable<string> Ancestors()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            yield return dir.FullName;
        }
    }
}
