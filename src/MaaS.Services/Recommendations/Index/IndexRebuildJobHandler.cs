namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// Runs a durable <c>index-rebuild</c> job (<see cref="RebuildQueue"/>) through <see cref="RebuildJobs"/>, under the
/// job's id, so the build keeps its deadline, its build slots and its live progress; the result is the
/// <see cref="RebuildResponse"/> as JSON. The job's phase is the build's stage word: <c>admission</c> from the start
/// (waiting for a build slot, then checking the store's counts), then each stage the build reports as it begins it,
/// with its progress; the runner's heartbeat writes the latest to the job's row, so every replica answers the job as
/// the one running it does. A build stopped by shutdown leaves the job to its lease, so the next start (or another
/// replica) runs it again. Singleton.
/// </summary>
internal sealed class IndexRebuildJobHandler(RebuildJobs jobs) : IJobHandler
{
    public string Kind => RebuildJob.IndexRebuild;

    public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
    {
        var job = execution.Job;
        execution.Report(RebuildJob.FirstStage, 0);
        var enqueued = jobs.Enqueue(job.Tenant, RebuildQueue.TriggerOf(job.Request), job.Id, (stage, progress) => execution.Report(stage, progress));
        if (enqueued.TryGetValue(out var queued, out _))
        {
            var finished = await queued.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
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
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RebuildResponse))]
internal sealed partial class RebuildJsonContext : JsonSerializerContext;
