namespace MaaS.Services.Batches;

/// <summary>The words of OpenAI's batch status, and the job phases that carry them.</summary>
internal static class BatchStatus
{
    public const string Validating = "validating";
    public const string InProgress = "in_progress";
    public const string Finalizing = "finalizing";
}

/// <summary>
/// OpenAI's Batch API over durable jobs (<see cref="BatchJobHandler"/>): create from an uploaded file, get, list newest
/// first, cancel; each batch answered as OpenAI's batch object from its job's row, so every replica answers the same.
/// Singleton; thread-safe.
/// </summary>
internal sealed class BatchService(
    IStorage storage, JobRunner runner, IEnumerable<IBatchEndpoint> endpoints, IOptions<JobOptions> jobOptions, IOptions<BatchOptions> batchOptions)
{
    /// <summary>The only completion window: OpenAI's.</summary>
    public const string CompletionWindow = "24h";

    /// <summary>OpenAI's largest page of batches.</summary>
    public const int MaxListLimit = 100;

    private const string IdPrefix = "batch_";

    private readonly string[] _urls = [.. endpoints.Select(e => e.Url)];

    public async Task<Result<OpenAiBatch>> CreateAsync(string tenant, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        CreateBatchRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body.Span, BatchJsonContext.Default.CreateBatchRequest);
        }
        catch (JsonException e)
        {
            return Error.InvalidField(e.Path is { Length: > 2 } path ? path[2..] : "body", $"the body is not a batch request: {e.Message}");
        }

        if (Check(request) is { } invalid)
        {
            return invalid;
        }

        var file = await storage.Files.GetAsync(tenant, request!.InputFileId!, cancellationToken).ConfigureAwait(false);
        if (!file.IsSuccess)
        {
            return file.Error.Code == ErrorCode.NotFound ? new Error(ErrorCode.NotFound, $"no file '{request.InputFileId}' (of this tenant)", []) : file.Error;
        }

        if (file.Value.Purpose != OpenAiFiles.UploadPurpose)
        {
            return Error.InvalidField("input_file_id", $"file '{file.Value.Id}' has purpose '{file.Value.Purpose}'; a batch reads a file of purpose 'batch'");
        }

        var content = await storage.Files.GetContentAsync(tenant, file.Value.Id, cancellationToken).ConfigureAwait(false);
        if (!content.IsSuccess)
        {
            return content.Error;
        }

        var spec = new BatchSpec(file.Value.Id, request.Endpoint!, CompletionWindow, request.Metadata,
            DateTimeOffset.UtcNow.AddSeconds(batchOptions.Value.CompletionWindowSeconds), request.OutputExpiresAfter?.Seconds ?? batchOptions.Value.DefaultFileExpiryOf(tenant));
        var job = new NewJob(Guid.NewGuid().ToString("N"), tenant, BatchJobHandler.JobKind, JsonSerializer.Serialize(spec, BatchJsonContext.Default.BatchSpec),
            Convert.ToHexStringLower(SHA256.HashData(content.Value)), spec.ExpiresAt);
        var created = await storage.Jobs.CreateAsync(job, content.Value, cancellationToken).ConfigureAwait(false);
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        runner.Wake();
        return await ToBatchAsync(created.Value, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Result<OpenAiBatch>> GetAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var job = await FindAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        return job.IsSuccess ? await ToBatchAsync(job.Value, cancellationToken).ConfigureAwait(false) : job.Error;
    }

    public async Task<Result<OpenAiBatch>> CancelAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var job = await FindAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (!job.IsSuccess)
        {
            return job.Error;
        }

        var cancelled = await storage.Jobs.CancelAsync(tenant, job.Value.Id, cancellationToken).ConfigureAwait(false);
        return cancelled.IsSuccess ? await ToBatchAsync(cancelled.Value, cancellationToken).ConfigureAwait(false) : cancelled.Error;
    }

    /// <summary>OpenAI's list of the tenant's batches, newest first: <paramref name="limit"/> 1..100 (default 20) after the batch <paramref name="after"/>.</summary>
    public async Task<Result<OpenAiList<OpenAiBatch>>> ListAsync(string tenant, int? limit, string? after, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxListLimit)
        {
            return Error.InvalidField("limit", $"limit must be between 1 and {MaxListLimit}");
        }

        JobCursor? cursor = null;
        if (after is not null)
        {
            var from = await FindAsync(tenant, after, cancellationToken).ConfigureAwait(false);
            if (!from.IsSuccess)
            {
                return from.Error.Code == ErrorCode.NotFound ? Error.InvalidField("after", $"after names no batch of this tenant: '{after}'") : from.Error;
            }

            cursor = JobCursor.Of(from.Value);
        }

        int size = limit ?? 20;
        var page = await storage.Jobs.ListAsync(tenant, BatchJobHandler.JobKind, cursor, size + 1, cancellationToken).ConfigureAwait(false);
        if (!page.IsSuccess)
        {
            return page.Error;
        }

        var batches = new List<OpenAiBatch>();
        foreach (var job in page.Value.Take(size))
        {
            batches.Add(await ToBatchAsync(job, cancellationToken).ConfigureAwait(false));
        }

        return new OpenAiList<OpenAiBatch>(batches, batches.FirstOrDefault()?.Id, batches.LastOrDefault()?.Id, page.Value.Count > size);
    }

    private async Task<Result<JobRecord>> FindAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var job = id.StartsWith(IdPrefix, StringComparison.Ordinal)
            ? await storage.Jobs.GetAsync(tenant, id[IdPrefix.Length..], cancellationToken).ConfigureAwait(false)
            : Error.NotFound("batch");
        return job.IsSuccess && job.Value.Kind == BatchJobHandler.JobKind
            ? job
            : job.IsSuccess || job.Error.Code == ErrorCode.NotFound ? new Error(ErrorCode.NotFound, $"no batch '{id}' (of this tenant)", []) : job.Error;
    }

    private Error? Check(CreateBatchRequest? request)
    {
        var problems = new List<FieldProblem>();
        if (request is null)
        {
            return Error.InvalidField("body", "the body must be a JSON object of input_file_id, endpoint and completion_window");
        }

        if (string.IsNullOrEmpty(request.InputFileId))
        {
            problems.Add(new FieldProblem(-1, "input_file_id", "'input_file_id' is required: the id of an uploaded file of purpose 'batch'"));
        }

        if (!_urls.Contains(request.Endpoint))
        {
            problems.Add(new FieldProblem(-1, "endpoint", $"endpoint '{request.Endpoint}' is not one a batch may run: {string.Join(", ", _urls)}"));
        }

        if (request.CompletionWindow != CompletionWindow)
        {
            problems.Add(new FieldProblem(-1, "completion_window", $"completion_window must be '{CompletionWindow}', not '{request.CompletionWindow}'"));
        }

        if (request.Metadata is { } metadata && (metadata.Count > 16 || metadata.Any(p => p.Key.Length > 64 || p.Value is null || p.Value.Length > 512)))
        {
            problems.Add(new FieldProblem(-1, "metadata", "metadata holds at most 16 pairs, keys of at most 64 characters and string values of at most 512"));
        }

        if (request.OutputExpiresAfter is { } expiry && OpenAiFiles.CheckExpiry(expiry.Anchor, expiry.Seconds, "output_expires_after.anchor", "output_expires_after.seconds") is { } policy)
        {
            problems.Add(policy);
        }

        return problems.Count == 0 ? null : new Error(ErrorCode.InvalidRequest, problems[0].Reason, problems);
    }

    private async Task<OpenAiBatch> ToBatchAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var spec = JsonSerializer.Deserialize(job.Request, BatchJsonContext.Default.BatchSpec)!;
        var outcome = job.Result is { } result ? JsonSerializer.Deserialize(result, BatchJsonContext.Default.BatchOutcome) : null;
        var counts = outcome?.Counts ?? (job.Metrics is { } metrics ? JsonSerializer.Deserialize(metrics, BatchJsonContext.Default.BatchRequestCounts) : null) ?? new BatchRequestCounts(0, 0, 0);
        string? output = outcome?.OutputFileId, errors = outcome?.ErrorFileId;
        bool cancelling = false;
        if (job.State == JobState.Cancelled && job.StartedAt is not null)
        {
            // A running batch writes what it answered once it sees the cancel (within a heartbeat); until then, or until
            // its lease would have run out had it died, it is cancelling.
            output = await ExistingAsync(job, BatchFiles.Output, cancellationToken).ConfigureAwait(false);
            errors = await ExistingAsync(job, BatchFiles.Errors, cancellationToken).ConfigureAwait(false);
            cancelling = output is null && errors is null && DateTimeOffset.UtcNow - job.FinishedAt < jobOptions.Value.Lease;
        }

        string status = job.State switch
        {
            JobState.Queued => BatchStatus.Validating,
            JobState.Running => job.Phase is BatchStatus.InProgress or BatchStatus.Finalizing ? job.Phase : BatchStatus.Validating,
            JobState.Succeeded => outcome?.Expired == true ? "expired" : "completed",
            JobState.Failed when job.Error?.StartsWith("the job ran past its deadline", StringComparison.Ordinal) == true => "expired",
            JobState.Failed => "failed",
            _ => cancelling ? "cancelling" : "cancelled",
        };
        long? at(DateTimeOffset? time, bool when) => when && time is { } t ? t.ToUnixTimeSeconds() : null;
        return new OpenAiBatch(
            IdPrefix + job.Id, spec.Endpoint, job.State == JobState.Failed ? ErrorsOf(job.Error) : null, spec.InputFileId, spec.CompletionWindow, status,
            output, errors, job.CreatedAt.ToUnixTimeSeconds(), at(job.StartedAt, job.StartedAt is not null), BatchFiles.ExpiresAt(spec, job).ToUnixTimeSeconds(),
            at(job.FinishedAt, job.State == JobState.Succeeded), at(job.FinishedAt, status == "completed"), at(job.FinishedAt, status == "failed"),
            at(job.FinishedAt, status == "expired"), at(job.FinishedAt, job.State == JobState.Cancelled), at(job.FinishedAt, status == "cancelled"),
            counts, spec.Metadata);
    }

    private async Task<string?> ExistingAsync(JobRecord job, string kind, CancellationToken cancellationToken) =>
        (await storage.Files.GetAsync(job.Tenant, BatchFiles.IdOf(job.Id, kind), cancellationToken).ConfigureAwait(false)) is { IsSuccess: true } found ? found.Value.Id : null;

    // A failed batch's errors: the input file's problems as the handler stored them, or the runner's one reason.
    private static BatchErrors ErrorsOf(string? error)
    {
        if (error is ['[', ..])
        {
            try
            {
                return new BatchErrors(JsonSerializer.Deserialize(error, BatchJsonContext.Default.ListBatchError) ?? []);
            }
            catch (JsonException)
            {
            }
        }

        return new BatchErrors([new BatchError("batch_failed", error ?? "the batch failed", null, null)]);
    }
}
