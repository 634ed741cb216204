namespace MaaS.Services.Recommendations;

/// <summary>The data folder (<c>Storage:DataDirectory</c>, default <c>MaaS.Storage.Hosting.DataLocation</c>'s): the SQLite file and the index versions live under it.</summary>
/// <param name="Path">Absolute path.</param>
internal sealed record DataDirectory(string Path);
