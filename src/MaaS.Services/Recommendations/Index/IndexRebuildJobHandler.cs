namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// Runs a durable <c>index-rebuild</c> job (<see cref="RebuildQueue"/>) through <see cref="RebuildJobs"/>, under the
/// job's id, so the build keeps its deadline, its build slots and its live progress; the result is the
/// <see cref="RebuildResponse"/> as JSON. While it runs, the build's phase and progress are reported every
/// <see cref="FollowInterval"/>, and the runner's heartbeat writes them to the job's row, so every replica answers the
/// job as the one running it does. A build stopped by shutdown leaves the job to its lease, so the next start (or
/// another replica) runs it again. Singleton.
/// </summary>
internal sealed class IndexRebuildJobHandler(RebuildJobs jobs) : IJobHandler
{
    /// <summary>How often the running build's phase is read into the job's progress; the store is written at the heartbeat's own pace.</summary>
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(250);

    public string Kind => RebuildJob.IndexRebuild;

    public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
    {
        var job = execution.Job;
        execution.Report(JobStates.Name(JobState.Queued), 0);
        if (jobs.Enqueue(job.Tenant, RebuildQueue.TriggerOf(job.Request), job.Id).TryGetValue(out var queued, out _))
        {
            var finished = await FollowAsync(execution, queued.Job, queued.Finished, cancellationToken).ConfigureAwait(false);
            switch (finished.Status)
            {
                case JobState.Succeeded:
                    return JsonSerializer.Serialize(finished.Result!, RebuildJsonContext.Default.RebuildResponse);
                case JobState.Failed:
                    throw new JobFailedException(finished.Error ?? "the build failed; the serving version is kept");
            }
        }

        // Cancelled or refused: the service is stopping. Wait for the runner's stop so the job is run again, not failed.
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>
    /// Waits for the build, reporting its live phase and progress (what <c>GET /v1/recommendations/rebuilds/{id}</c>
    /// answers on this replica), read every <see cref="FollowInterval"/>. The in-memory job may be one this job joined,
    /// under its own id.
    /// </summary>
    private async Task<RebuildJob> FollowAsync(JobExecution execution, RebuildJob run, Task<RebuildJob> finished, CancellationToken cancellationToken)
    {
        while (!finished.IsCompleted)
        {
            if (jobs.Find(run.Tenant, run.Id).TryGetValue(out var live, out _))
            {
                execution.Report(live.Phase, live.Progress);
            }

            await Task.WhenAny(finished, Task.Delay(FollowInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return await finished.ConfigureAwait(false);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RebuildResponse))]
internal sealed partial class RebuildJsonContext : JsonSerializerContext;
