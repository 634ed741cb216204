namespace MaaS.Services.Tests.Jobs;

/// <summary>
/// What a runner test starts from: a real SQLite store in a folder of its own holding one queued job of a kind. The
/// store closes and the folder goes on dispose.
/// </summary>
internal sealed class SqliteJobWorld(string folder, SqliteStorage storage, NewJob job) : IAsyncDisposable
{
    public SqliteStorage Storage { get; } = storage;

    /// <summary>The queued job, of tenant <c>tenant-a</c>.</summary>
    public NewJob Job { get; } = job;

    public static async Task<SqliteJobWorld> OpenAsync(string kind, CancellationToken cancellationToken)
    {
        string folder = Directory.CreateTempSubdirectory("maas-jobs-").FullName;
        var opened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(folder, "maas.db") }, cancellationToken: cancellationToken);
        Assert.True(opened.IsSuccess, opened.Error?.Message);
        var job = new NewJob(Guid.NewGuid().ToString("N"), "tenant-a", kind, "{}", new string('a', 64));
        var world = new SqliteJobWorld(folder, opened.Value, job);
        var created = await opened.Value.Jobs.CreateAsync(job, new byte[] { 1 }, cancellationToken);
        Assert.True(created.IsSuccess, created.Error?.Message);
        return world;
    }

    /// <summary>The job as the store holds it now.</summary>
    public async Task<JobRecord> ReadAsync(CancellationToken cancellationToken) =>
        (await Storage.Jobs.GetAsync(Job.Tenant, Job.Id, cancellationToken)).Value;

    public async ValueTask DisposeAsync()
    {
        await Storage.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }
}
