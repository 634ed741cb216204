namespace MaaS.Models.Text.Training;

/// <summary>
/// How the trainers run their parallel loops: on the caller's task scheduler, stopped by the caller's token. A bare
/// <c>Parallel.For</c>, like a new <see cref="ParallelOptions"/>, targets <see cref="TaskScheduler.Default"/> (the thread
/// pool, at normal priority) whatever scheduler its caller runs on, so a training job started on the job runner's
/// bounded, niced threads spread every loop over the pool.
/// </summary>
internal static class TrainingLoops
{
    /// <summary>Loop options on <see cref="TaskScheduler.Current"/> with <paramref name="cancellationToken"/>: a cancelled
    /// loop starts no more iterations and throws one <see cref="OperationCanceledException"/>.</summary>
    public static ParallelOptions On(CancellationToken cancellationToken) =>
        new() { CancellationToken = cancellationToken, TaskScheduler = TaskScheduler.Current };
}
