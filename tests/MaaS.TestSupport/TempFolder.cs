namespace MaaS.TestSupport;

/// <summary>A unique folder under the temp directory, owned by one test or fixture and deleted on dispose.</summary>
/// <param name="prefix">Start of the folder's name, so a folder left behind says which tests made it.</param>
public sealed class TempFolder(string prefix = "maas-") : IDisposable
{
    /// <summary>The folder (created).</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>A path inside the folder.</summary>
    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held for a moment (a pooled SQLite connection, a store disposed on another thread, a child
            // process on its way out); the OS temp cleaner gets it later.
        }
    }
}
