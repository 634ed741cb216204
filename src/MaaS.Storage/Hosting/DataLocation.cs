namespace MaaS.Storage.Hosting;

/// <summary>
/// Where MaaS keeps its data when nothing says otherwise: the one default that the gateway (<c>dotnet run</c> or the
/// built binary, from any working directory) and the <c>maas</c> command line share, so <c>maas keys create</c> writes
/// into the database the gateway opens. The folder is <c>Storage:DataDirectory</c> (environment variable
/// <c>Storage__DataDirectory</c>), else <c>maas</c> under the user's local data folder (<c>$XDG_DATA_HOME/maas</c> or
/// <c>~/.local/share/maas</c> on Linux, <c>%LOCALAPPDATA%\maas</c> on Windows). It holds the SQLite database
/// (<see cref="DatabaseFileName"/>), the recommendation indexes and the published models (<see cref="PublishedModelsFolder"/>).
/// </summary>
public static class DataLocation
{
    /// <summary>Configuration key of the data folder.</summary>
    public const string ConfigurationKey = "Storage:DataDirectory";

    /// <summary>The same key as an environment variable (what the gateway's configuration reads).</summary>
    public const string EnvironmentVariable = "Storage__DataDirectory";

    /// <summary>SQLite database file inside the data folder.</summary>
    public const string DatabaseFileName = "maas.db";

    /// <summary>Folder inside the data folder that holds the models tenants publish (writable, unlike the bundled repository).</summary>
    public const string PublishedModelsFolder = "published";

    /// <summary>The folder used when none is configured (absolute).</summary>
    public static string DefaultDirectory
    {
        get
        {
            string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            // No home folder at all (a bare service account): the working directory is the only place left.
            return Path.GetFullPath(Path.Combine(string.IsNullOrEmpty(local) ? "." : local, "maas"));
        }
    }

    /// <summary>The data folder, absolute: <paramref name="configured"/> when set (relative to the working directory), else <see cref="DefaultDirectory"/>.</summary>
    public static string Resolve(string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? DefaultDirectory : Path.GetFullPath(configured);

    /// <summary>The data folder as the environment names it (<see cref="EnvironmentVariable"/>), else the default: what a tool without configuration files uses.</summary>
    public static string FromEnvironment() => Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The SQLite database inside <paramref name="dataDirectory"/>.</summary>
    public static string DatabasePath(string dataDirectory) => Path.Combine(dataDirectory, DatabaseFileName);
}
