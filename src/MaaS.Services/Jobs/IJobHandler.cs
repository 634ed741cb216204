namespace MaaS.Services.Jobs;

/// <summary>Runs the jobs of one <see cref="Kind"/>. Registered as a singleton; one call per claimed job.</summary>
internal interface IJobHandler
{
    /// <summary>The <see cref="JobRecord.Kind"/> this handler runs.</summary>
    string Kind { get; }

    /// <summary>
    /// Runs the job and returns its result as JSON. Throws <see cref="JobFailedException"/> for a failure to report,
    /// and <see cref="OperationCanceledException"/> once <paramref name="cancellationToken"/> fires (cancelled, lease
    /// lost, shutdown). A job may run again after a crash, so running it twice must be harmless.
    /// </summary>
    Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken);
}

/// <summary>An expected failure of a job; its message is stored as the job's error and shown to its tenant.</summary>
internal sealed class JobFailedException(string message) : Exception(message);
