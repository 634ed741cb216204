namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// Index rebuilds as durable jobs (kind <c>index-rebuild</c>) on the <see cref="JobRunner"/>: an admin's, a scheduled
/// and a retention rebuild is a row in the job store, so a restart loses none and with several replicas exactly one
/// claims it; <see cref="IndexRebuildJobHandler"/> runs it through <see cref="RebuildJobs"/> (its deadline and build
/// slots). At most one rebuild per tenant is queued: a request while one is queued answers that job. Erasure and
/// first-start rebuilds stay in memory (<see cref="RebuildJobs"/>): the first is coalesced by a delay, the second is
/// awaited by the start. Reads merge both, the in-memory job (with its live progress) winning under the same id.
/// Thread-safe.
/// </summary>
internal sealed class RebuildQueue(IStorage storage, RebuildJobs jobs, BuildAdmission admission, IServiceProvider services, TimeProvider time)
{
    /// <summary>How many of the tenant's latest rebuild jobs are searched for a queued one.</summary>
    private const int Recent = 50;

    private static readonly string EmptyInputSha256 = Convert.ToHexStringLower(SHA256.HashData([]));

    // Serialises check-then-create on this replica; across replicas two queued rebuilds can still meet, which costs
    // one extra build and nothing else (a build is idempotent).
    private readonly SemaphoreSlim _submit = new(1, 1);

    /// <summary>
    /// An admin's rebuild: refused at once (<see cref="ErrorCode.Unsupported"/> naming the limit) when the store's
    /// counts are beyond the limits; else the queued durable job, new or joined.
    /// </summary>
    public async ValueTask<Result<RebuildJobResponse>> RequestAsync(string tenant, CancellationToken cancellationToken)
    {
        var admitted = await admission.CheckStoreAsync(tenant, cancellationToken).ConfigureAwait(false);
        return admitted.IsSuccess ? await SubmitAsync(tenant, RebuildTrigger.Api, cancellationToken).ConfigureAwait(false) : admitted.Error;
    }

    /// <summary>Queues a durable rebuild of the tenant, or answers the one already queued.</summary>
    public async ValueTask<Result<RebuildJobResponse>> SubmitAsync(string tenant, RebuildTrigger trigger, CancellationToken cancellationToken)
    {
        await _submit.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var listed = await storage.Jobs.ListAsync(tenant, RebuildJob.IndexRebuild, null, Recent, cancellationToken).ConfigureAwait(false);
            if (!listed.TryGetValue(out var recent, out var error))
            {
                return error;
            }

            if (recent.FirstOrDefault(j => j.State == JobState.Queued) is { } queued)
            {
                return ToResponse(queued);
            }

            string request = $$"""{"trigger":"{{Name(trigger)}}"}""";
            var created = await storage.Jobs.CreateAsync(
                new NewJob(Guid.NewGuid().ToString("N"), tenant, RebuildJob.IndexRebuild, request, EmptyInputSha256), ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            if (!created.TryGetValue(out var job, out error))
            {
                return error;
            }

            // The runner is resolved late: it depends on the handlers, and the handler on this queue's RebuildJobs.
            services.GetService<JobRunner>()?.Wake();
            return ToResponse(job);
        }
        finally
        {
            _submit.Release();
        }
    }

    /// <summary>One of the tenant's rebuild jobs, durable or in memory, or <see cref="ErrorCode.NotFound"/>.</summary>
    public async ValueTask<Result<RebuildJobResponse>> FindAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var live = jobs.Find(tenant, id);
        if (live.IsSuccess)
        {
            return live;
        }

        var stored = await storage.Jobs.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        return stored.TryGetValue(out var job, out _) && job.Kind == RebuildJob.IndexRebuild ? ToResponse(job) : Error.NotFound("rebuild job");
    }

    /// <summary>
    /// A page of the tenant's rebuild jobs, newest first (by creation time, then id): the store's page of durable jobs
    /// (each with its live progress when this replica runs it), merged with the erasure and first-start jobs, which live
    /// in memory only, after the same place.
    /// </summary>
    public async ValueTask<Result<Page<RebuildJobResponse>>> ListAsync(string tenant, PageRequest page, CancellationToken cancellationToken)
    {
        var live = jobs.Recent(tenant);
        var memoryOnly = live.Where(j => j.Trigger is "erasure" or "start").ToList();
        JobCursor? after = null;
        if (page.After is { } id)
        {
            if (memoryOnly.FirstOrDefault(j => j.Id == id) is { } inMemory)
            {
                after = new JobCursor(inMemory.CreatedAt, inMemory.Id);
            }
            else
            {
                var stored = await storage.Jobs.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
                if (!stored.TryGetValue(out var job, out var missing) || job.Kind != RebuildJob.IndexRebuild)
                {
                    return missing is { Code: not ErrorCode.NotFound } ? missing : Page.UnknownCursor("rebuild job of this tenant");
                }

                after = JobCursor.Of(job);
            }
        }

        var listed = await storage.Jobs.ListAsync(tenant, RebuildJob.IndexRebuild, after, page.Probe, cancellationToken).ConfigureAwait(false);
        if (!listed.TryGetValue(out var durable, out var error))
        {
            return error;
        }

        // A durable job keeps the store's place in the order (its in-memory run was queued later) and shows the run's progress.
        var running = live.Except(memoryOnly).ToDictionary(j => j.Id, StringComparer.Ordinal);
        var merged = durable
            .Select(job => running.TryGetValue(job.Id, out var run) ? run with { CreatedAt = job.CreatedAt } : ToResponse(job))
            .Concat(memoryOnly.Where(j => after is null || Follows(after, j.CreatedAt, j.Id)))
            .OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id, StringComparer.Ordinal)
            .Take(page.Probe)
            .ToList();
        return Page.Of(merged, page, j => j.Id);

        // Whether a job at (createdAt, id) comes after the cursor in the newest-first order.
        static bool Follows(JobCursor cursor, DateTimeOffset createdAt, string id) =>
            createdAt < cursor.CreatedAt || (createdAt == cursor.CreatedAt && string.CompareOrdinal(id, cursor.Id) < 0);
    }

    /// <summary>The trigger stored in a durable job's request (<see cref="RebuildTrigger.Api"/> when unreadable).</summary>
    public static RebuildTrigger TriggerOf(string request)
    {
        try
        {
            using var document = JsonDocument.Parse(request);
            return document.RootElement.TryGetProperty("trigger", out var trigger)
                && Enum.TryParse<RebuildTrigger>(trigger.GetString(), ignoreCase: true, out var parsed) ? parsed : RebuildTrigger.Api;
        }
        catch (JsonException)
        {
            return RebuildTrigger.Api;
        }
    }

    private static string Name(RebuildTrigger trigger) => trigger.ToString().ToLowerInvariant();

    private RebuildJobResponse ToResponse(JobRecord job) => new(
        job.Id,
        job.Kind,
        JobStates.Name(job.State),
        job.Phase,
        job.Progress,
        Name(TriggerOf(job.Request)),
        1,
        job.CreatedAt,
        job.StartedAt,
        job.FinishedAt,
        job.StartedAt is { } started ? ((job.FinishedAt ?? time.GetUtcNow()) - started).TotalMilliseconds : null,
        job.Result is { } result ? JsonSerializer.Deserialize(result, RebuildJsonContext.Default.RebuildResponse) : null,
        job.Error);
}
