using MaaS.Services.Jobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Services.Tests.Jobs;

/// <summary>
/// A job's checkpoints (<see cref="JobExecution.SavePartAsync"/>, a batch's parts of its output) end with the job, over a
/// real SQLite file: a run that fails after storing one leaves none behind, as one that succeeds does.
/// </summary>
public sealed class JobRunnerPartsTests : IDisposable
{
    private const string Kind = "test-parts";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "maas-job-parts-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_StoresAPartThenEnds_NoPartLeft(bool fails)
    {
        Directory.CreateDirectory(_folder);
        var opened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(_folder, "maas.db") }, cancellationToken: Ct);
        Assert.True(opened.IsSuccess, opened.Error?.Message);
        await using var storage = opened.Value;
        var options = Options.Create(new JobOptions { HeartbeatSeconds = 0.1, PollSeconds = 0.1 });
        var job = new NewJob(Guid.NewGuid().ToString("N"), "tenant-a", Kind, "{}", new string('a', 64));
        Assert.True((await storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);

        var handler = new PartThenEndHandler(fails);
        using var runner = new JobRunner(storage, [handler], options, NullLogger<JobRunner>.Instance);
        await runner.StartAsync(Ct);
        bool saved = await handler.Saved.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        JobRecord? ended = null;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(50, Ct))
        {
            ended = (await storage.Jobs.GetAsync(job.Tenant, job.Id, Ct)).Value;
            if (ended.State is JobState.Failed or JobState.Succeeded)
            {
                break;
            }
        }

        await runner.StopAsync(Ct);
        var parts = await storage.Jobs.GetPartsAsync(job.Id, Ct);

        Assert.True(saved, "the run could not store its part");
        Assert.Equal(fails ? JobState.Failed : JobState.Succeeded, ended?.State);
        Assert.True(parts.IsSuccess, parts.Error?.Message);
        Assert.Empty(parts.Value);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    // Stores one checkpoint, then fails or succeeds without dropping it, as a handler that crashes after a checkpoint does.
    private sealed class PartThenEndHandler(bool fails) : IJobHandler
    {
        public TaskCompletionSource<bool> Saved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => JobRunnerPartsTests.Kind;

        public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
        {
            Saved.TrySetResult(await execution.SavePartAsync(new JobPart(0, [1, 2, 3], []), cancellationToken));
            return fails ? throw new JobFailedException("failed after its checkpoint") : "{}";
        }
    }
}
