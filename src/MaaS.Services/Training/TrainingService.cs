using System.Runtime.CompilerServices;

namespace MaaS.Services.Training;

/// <summary>
/// Training as a service: validates an upload completely before anything is stored, stores the job with its
/// canonical dataset (so any replica, or this one after a restart, can run it), wakes the runner, and reads and
/// cancels a tenant's jobs. Singleton; thread-safe.
/// </summary>
internal sealed class TrainingService(IStorage storage, JobRunner runner, IOptions<TrainingOptions> options)
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(250);

    public TrainingOptions Options => options.Value;

    public async Task<Result<JobRecord>> SubmitAsync(string tenant, string? contentType, ReadOnlyMemory<byte> body, TrainingParameters parameters, CancellationToken cancellationToken)
    {
        var parsed = TrainingDatasetParser.Parse(contentType, body, parameters, options.Value);
        if (!parsed.TryGetValue(out var dataset, out var error))
        {
            return error;
        }

        var job = new NewJob(
            Guid.NewGuid().ToString("N"), tenant, TrainingJobHandler.JobKind,
            JsonSerializer.Serialize(dataset.Spec, TrainingJsonContext.Default.TrainingSpec), dataset.Sha256);
        var created = await storage.Jobs.CreateAsync(job, dataset.Canonical, cancellationToken).ConfigureAwait(false);
        if (created.IsSuccess)
        {
            runner.Wake();
        }

        return created;
    }

    public async Task<Result<JobRecord>> GetAsync(string tenant, string id, CancellationToken cancellationToken) =>
        Training(await storage.Jobs.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false));

    public async Task<Result<JobRecord>> CancelAsync(string tenant, string id, CancellationToken cancellationToken) =>
        Training(await storage.Jobs.CancelAsync(tenant, id, cancellationToken).ConfigureAwait(false));

    /// <summary>A page of the tenant's training jobs, newest first (by creation time, then id).</summary>
    public async Task<Result<Page<JobRecord>>> ListAsync(string tenant, PageRequest page, CancellationToken cancellationToken)
    {
        JobCursor? after = null;
        if (page.After is { } id)
        {
            var cursor = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
            if (!cursor.IsSuccess)
            {
                return cursor.Error.Code == ErrorCode.NotFound ? Page.UnknownCursor("training job of this tenant") : cursor.Error;
            }

            after = JobCursor.Of(cursor.Value);
        }

        var jobs = await storage.Jobs.ListAsync(tenant, TrainingJobHandler.JobKind, after, page.Probe, cancellationToken).ConfigureAwait(false);
        return jobs.IsSuccess ? Page.Of(jobs.Value, page, j => j.Id) : jobs.Error;
    }

    /// <summary>
    /// The job as it changes, from <paramref name="job"/> on: each change of state, phase or progress once, ending with
    /// the finished job, when the job can no longer be read, or when <paramref name="cancellationToken"/> fires. The store
    /// is the source (the job may run on another replica), polled every 250 ms.
    /// </summary>
    public async IAsyncEnumerable<JobRecord> FollowAsync(string tenant, JobRecord job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        (JobState, string, double)? sent = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var seen = (job.State, job.Phase, Math.Round(job.Progress, 3));
            if (sent != seen)
            {
                sent = seen;
                yield return job;
            }

            if (job.IsFinished)
            {
                yield break;
            }

            try
            {
                await Task.Delay(FollowPoll, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            var next = await GetAsync(tenant, job.Id, cancellationToken).ConfigureAwait(false);
            if (!next.IsSuccess)
            {
                yield break;
            }

            job = next.Value;
        }
    }

    /// <summary>Reads the spec stored with a training job.</summary>
    public static TrainingSpec? Spec(JobRecord job) => JsonSerializer.Deserialize(job.Request, TrainingJsonContext.Default.TrainingSpec);

    /// <summary>Reads the outcome of a succeeded training job.</summary>
    public static TrainingOutcome? Outcome(JobRecord job) =>
        job.Result is null ? null : JsonSerializer.Deserialize(job.Result, TrainingJsonContext.Default.TrainingOutcome);

    /// <summary>Reads the metrics a running training job reported.</summary>
    public static TrainingMetrics? Metrics(JobRecord job) =>
        job.Metrics is null ? null : JsonSerializer.Deserialize(job.Metrics, TrainingJsonContext.Default.TrainingMetrics);

    // Jobs of other kinds (index rebuilds later) are not trainings: the same 404 as an unknown id.
    private static Result<JobRecord> Training(Result<JobRecord> job) =>
        job.IsSuccess && job.Value.Kind != TrainingJobHandler.JobKind ? Error.NotFound("training") : job;
}
