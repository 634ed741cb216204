using System.Diagnostics;
using MaaS.Services.Jobs;

namespace MaaS.Services.Tests.Recommendations;

/// <summary>
/// A durable rebuild's live phase and progress reach its row in the job store while the build runs (what every other
/// replica answers from), not only at its end; over a real SQLite store, runner and builder.
/// </summary>
public sealed class IndexRebuildJobHandlerTests
{
    private const string Tenant = RecommendationServices.Tenant;

    /// <summary>
    /// How long a wait below may take: a fraction of a second on a quiet box. It was 10 s, and the lead's clean-clone run
    /// at load 40-70 (every test assembly at once) found the build of three events still in its reading stage 10 s
    /// after the store opened; the build runs on the thread pool, which such a box serves late, not on the niced job
    /// threads.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_BuildHeldPartWay_TheRowShowsItsPhaseAndProgressBeforeTheEnd()
    {
        await using var services = await StartAsync();

        await RunHeldAsync(services, async (storage, id) =>
        {
            // The build waits in its reading stage (the second of four) until the events can be streamed.
            var reading = await UntilStoredAsync(storage, id, j => j.Phase == "reading");
            var live = services.Get<RebuildJobs>().Find(Tenant, id).Value;

            Assert.True(reading.State == JobState.Running && reading.Progress == 0.25, $"{reading}");
            Assert.Equal((live.Phase, live.Progress), (reading.Phase, reading.Progress));
        });
    }

    /// <summary>
    /// A durable job whose build waits behind the tenant's running one is <c>running</c> in the store (the runner
    /// claimed it) in the build's first stage word, never the job-state word <c>queued</c>.
    /// </summary>
    [Fact]
    public async Task RunAsync_BuildWaitingForTheTenantsRunningOne_TheRowSaysItsFirstStage()
    {
        await using var services = await StartAsync();
        var rebuilds = services.Get<RebuildJobs>();
        var held = rebuilds.Enqueue(Tenant, RebuildTrigger.Start).Value;
        await UntilAsync(() => rebuilds.Find(Tenant, held.Job.Id).Value.Phase == "reading", () => $"{rebuilds.Find(Tenant, held.Job.Id).Value}");

        await RunHeldAsync(services, async (storage, id) =>
        {
            // The runner claims it as "starting"; the handler's first report replaces that with the next heartbeat.
            var waiting = await UntilStoredAsync(storage, id, j => j.State == JobState.Running && j.Phase != "starting");

            Assert.True(waiting.Phase == "admission" && waiting.Progress == 0, $"{waiting}");
            Assert.Equal("queued", rebuilds.Find(Tenant, id).Value.Status);
        });
    }

    /// <summary>Services whose event store holds every build in its reading stage until opened, with three events.</summary>
    private static async Task<RecommendationServices> StartAsync()
    {
        var services = await RecommendationServices.StartAsync(
            replace: s => s.AddSingleton<IEventStore>(sp => new GatedEventStore(sp.GetRequiredService<IStorage>().Events)));
        await services.AppendAsync(("u1", "a", "play"), ("u1", "b", "play"), ("u2", "a", "play"));
        return services;
    }

    /// <summary>
    /// Submits a durable rebuild and runs it with a fast heartbeat: <paramref name="whileHeld"/> sees it while the
    /// event store is closed; then the store opens and the job must succeed.
    /// </summary>
    private static async Task RunHeldAsync(RecommendationServices services, Func<IStorage, string, Task> whileHeld)
    {
        var storage = services.Get<IStorage>();
        var gate = (GatedEventStore)services.Get<IEventStore>();
        string id = (await services.Get<RebuildQueue>().SubmitAsync(Tenant, RebuildTrigger.Api, Ct)).Value.Id;
        var options = Options.Create(new JobOptions { HeartbeatSeconds = 0.1, PollSeconds = 0.1 });
        using var runner = new JobRunner(storage, [services.Get<IJobHandler>()], options, NullLogger<JobRunner>.Instance);
        await runner.StartAsync(Ct);
        try
        {
            await whileHeld(storage, id);

            gate.Open();
            var done = await UntilStoredAsync(storage, id, j => j.IsFinished);
            Assert.True(done.State == JobState.Succeeded, $"{done}");
        }
        finally
        {
            gate.Open();
            await runner.StopAsync(Ct);
        }
    }

    private static async Task UntilAsync(Func<bool> condition, Func<string> state)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, $"not within {Patience.TotalSeconds:0} s: {state()}");
            await Task.Delay(20, Ct);
        }
    }

    private static async Task<JobRecord> UntilStoredAsync(IStorage storage, string id, Func<JobRecord, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var job = (await storage.Jobs.GetAsync(Tenant, id, Ct)).Value;
            if (condition(job))
            {
                return job;
            }

            Assert.True(clock.Elapsed < Patience, $"not within {Patience.TotalSeconds:0} s; stored: {job}");
            await Task.Delay(20, Ct);
        }
    }
}
