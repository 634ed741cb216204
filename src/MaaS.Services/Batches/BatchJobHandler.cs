using System.Buffers;
using MaaS.Services.Admission;

namespace MaaS.Services.Batches;

/// <summary>
/// Runs an <c>openai-batch</c> job: checks the whole input file (a malformed one fails the batch with every problem
/// listed), then answers the lines in order, consecutive lines joined into model calls of at least
/// <see cref="BatchOptions.TextsPerCall"/> texts, each call first charged to the tenant's work budget and queued in the
/// fair work queue like a live request of the tenant (so a batch takes its turn with live traffic rather than ahead of
/// it). Progress (the request counts) goes out with the runner's heartbeat. The answered lines are checkpointed as they
/// go, parts of the output and error files stored with the job every <see cref="BatchOptions.CheckpointLines"/> lines or
/// <see cref="BatchOptions.CheckpointSeconds"/>: a run taken up again after a crash or restart starts after the last
/// part, and writes the whole files, parts first, under ids derived from the batch's, so each custom_id is answered
/// exactly once. A cancelled batch writes what it answered so far. Singleton.
/// </summary>
internal sealed partial class BatchJobHandler(
    IStorage storage, IEnumerable<IBatchEndpoint> endpoints, IOptions<BatchOptions> options, ILogger<BatchJobHandler> logger, AdmissionControl? admission = null)
    : IJobHandler
{
    public const string JobKind = "openai-batch";

    private readonly Dictionary<string, IBatchEndpoint> _endpoints = endpoints.ToDictionary(e => e.Url, StringComparer.Ordinal);

    public string Kind => JobKind;

    public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
    {
        var job = execution.Job;
        var spec = JsonSerializer.Deserialize(job.Request, BatchJsonContext.Default.BatchSpec) ?? throw new JobFailedException("the batch's request could not be read");
        var endpoint = _endpoints.GetValueOrDefault(spec.Endpoint) ?? throw new JobFailedException($"this gateway does not run batches of {spec.Endpoint}");
        execution.Report(BatchStatus.Validating, 0);
        byte[] input = await execution.ReadInputAsync(cancellationToken).ConfigureAwait(false);
        if (!BatchInput.Read(input, spec.Endpoint, options.Value.MaxRequests, out var problems).TryGetValue(out var requests, out _))
        {
            throw new JobFailedException(JsonSerializer.Serialize(problems, BatchJsonContext.Default.ListBatchError));
        }

        var output = new ArrayBufferWriter<byte>();
        var errors = new ArrayBufferWriter<byte>();
        var checkpoint = await ResumeAsync(execution, output, errors, requests.Count, cancellationToken).ConfigureAwait(false);
        var counts = checkpoint.Counts;
        execution.Report(BatchStatus.InProgress, (double)checkpoint.Lines / requests.Count, Counts(counts));
        // The completion window: past it, the lines not answered yet are the error file's batch_expired lines.
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // A batch taken up past its window (queued behind long jobs) answers nothing: every line is batch_expired.
        var left = BatchFiles.ExpiresAt(spec, job) - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            window.CancelAfter(left);
        }
        else
        {
            await window.CancelAsync().ConfigureAwait(false);
        }

        int from = checkpoint.Lines;
        try
        {
            while (from < requests.Count)
            {
                window.Token.ThrowIfCancellationRequested();
                int to = from, texts = 0;
                while (to < requests.Count && (to == from || texts < options.Value.TextsPerCall))
                {
                    texts += Math.Max(1, endpoint.Texts(requests[to++]));
                }

                var group = requests.Skip(from).Take(to - from).ToList();
                var answers = await RunGroupAsync(job.Tenant, endpoint, group, texts, execution.TimeLeft, window.Token).ConfigureAwait(false);
                // Calls cut short by the cancellation answered as refused: those lines were not answered, so none is kept.
                window.Token.ThrowIfCancellationRequested();
                for (int i = 0; i < group.Count; i++)
                {
                    Write(answers[i].IsSuccess ? output : errors, job.Id, group[i], answers[i]);
                    counts = answers[i].IsSuccess ? counts with { Completed = counts.Completed + 1 } : counts with { Failed = counts.Failed + 1 };
                }

                from = to;
                if (from < requests.Count && checkpoint.IsDue(from, options.Value))
                {
                    checkpoint = await checkpoint.SaveAsync(execution, output, errors, from, counts, cancellationToken).ConfigureAwait(false);
                }

                execution.Report(BatchStatus.InProgress, (double)from / requests.Count, Counts(counts));
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            for (int i = from; i < requests.Count; i++)
            {
                WriteExpired(errors, job.Id, requests[i]);
            }

            counts = counts with { Failed = counts.Failed + requests.Count - from };
            execution.Report(BatchStatus.Finalizing, 1, Counts(counts));
            var expired = await WriteFilesAsync(job, spec, output, errors, counts, cancellationToken).ConfigureAwait(false);
            LogExpired(logger, job.Id, from, requests.Count - from);
            return JsonSerializer.Serialize(expired with { Expired = true }, BatchJsonContext.Default.BatchOutcome);
        }
        catch (OperationCanceledException)
        {
            // Cancelled by its tenant: OpenAI keeps what was answered. Anything else (shutdown, a lost lease) leaves the
            // batch to its next run, which starts after the last checkpoint.
            var stored = await storage.Jobs.GetAsync(job.Tenant, job.Id, CancellationToken.None).ConfigureAwait(false);
            if (stored.IsSuccess && stored.Value.State == JobState.Cancelled)
            {
                await WriteFilesAsync(job, spec, output, errors, counts, CancellationToken.None).ConfigureAwait(false);
                LogCancelled(logger, job.Id, counts.Completed + counts.Failed, counts.Total);
            }

            throw;
        }

        execution.Report(BatchStatus.Finalizing, 1, Counts(counts));
        var outcome = await WriteFilesAsync(job, spec, output, errors, counts, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Serialize(outcome, BatchJsonContext.Default.BatchOutcome);
    }

    // The parts earlier runs stored, appended to the files in order: the lines they hold are answered, and this run
    // starts after them.
    private async Task<BatchCheckpoint> ResumeAsync(
        JobExecution execution, ArrayBufferWriter<byte> output, ArrayBufferWriter<byte> errors, int total, CancellationToken cancellationToken)
    {
        var parts = await execution.ReadPartsAsync(cancellationToken).ConfigureAwait(false);
        int completed = 0, failed = 0;
        foreach (var part in parts)
        {
            output.Write(part.Output);
            errors.Write(part.Errors);
            completed += part.Output.AsSpan().Count((byte)'\n');
            failed += part.Errors.AsSpan().Count((byte)'\n');
        }

        if (completed + failed > total)
        {
            throw new JobFailedException("the batch's checkpoints hold more lines than its input");
        }

        if (parts.Count > 0)
        {
            LogResumed(logger, execution.Job.Id, completed + failed, total, parts.Count);
        }

        return new BatchCheckpoint(parts.Count == 0 ? 0 : parts[^1].Seq + 1, completed + failed, output.WrittenCount, errors.WrittenCount,
            new BatchRequestCounts(total, completed, failed), Stopwatch.GetTimestamp());
    }

    private async Task<BatchAnswer[]> RunGroupAsync(string tenant, IBatchEndpoint endpoint, List<BatchRequest> group, int texts, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (admission is null)
        {
            return await endpoint.RunAsync(group, timeout, cancellationToken).ConfigureAwait(false);
        }

        var partition = AdmissionPartition.OfTenant(tenant);
        AdmissionTicket? ticket;
        while (!admission.TryEnter(partition, 0, usesWorkQueue: true, out ticket, out var refusal))
        {
            // The tenant's budget is in debt (its live traffic or this batch): wait until it is repaid, as a client would.
            await Task.Delay(refusal.RetryAfter, cancellationToken).ConfigureAwait(false);
        }

        using (ticket)
        {
            long units = WorkCosts.Texts(texts, group.Sum(r => (long)r.Body.GetRawText().Length));
            ticket.Charge(units);
            using var grant = await ticket.WaitForWorkAsync(units, cancellationToken).ConfigureAwait(false);
            return await endpoint.RunAsync(group, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Write(ArrayBufferWriter<byte> file, string batchId, BatchRequest request, BatchAnswer answer)
    {
        string requestId = RequestId(batchId, request);
        WriteLine(file, new BatchOutputLine("batch_req_" + requestId[4..], request.CustomId, new BatchResponse(answer.Status, requestId, answer.Body), null));
    }

    // OpenAI's line for a request the window ended before: no response, the error batch_expired.
    private static void WriteExpired(ArrayBufferWriter<byte> file, string batchId, BatchRequest request) =>
        WriteLine(file, new BatchOutputLine("batch_req_" + RequestId(batchId, request)[4..], request.CustomId, null,
            new BatchError("batch_expired", "This request could not be executed before the completion window expired.", null, null)));

    private static string RequestId(string batchId, BatchRequest request) =>
        "req_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{batchId}\n{request.CustomId}")))[..32];

    private static void WriteLine(ArrayBufferWriter<byte> file, BatchOutputLine line)
    {
        using (var writer = new Utf8JsonWriter(file))
        {
            JsonSerializer.Serialize(writer, line, BatchJsonContext.Default.BatchOutputLine);
        }

        file.Write("\n"u8);
    }

    private async Task<BatchOutcome> WriteFilesAsync(
        JobRecord job, BatchSpec spec, ArrayBufferWriter<byte> output, ArrayBufferWriter<byte> errors, BatchRequestCounts counts, CancellationToken cancellationToken)
    {
        string? outputId = output.WrittenCount > 0 || errors.WrittenCount == 0 ? await PutAsync(job, spec, BatchFiles.Output, output, cancellationToken).ConfigureAwait(false) : null;
        string? errorId = errors.WrittenCount > 0 ? await PutAsync(job, spec, BatchFiles.Errors, errors, cancellationToken).ConfigureAwait(false) : null;
        return new BatchOutcome(outputId, errorId, counts);
    }

    private async Task<string> PutAsync(JobRecord job, BatchSpec spec, string kind, ArrayBufferWriter<byte> content, CancellationToken cancellationToken)
    {
        // output_expires_after: anchored at each file's own creation, as OpenAI's.
        var expiresAfter = spec.OutputExpiresAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var file = new NewFile(BatchFiles.IdOf(job.Id, kind), job.Tenant, $"batch_{job.Id}_{kind}.jsonl", OpenAiFiles.OutputPurpose, expiresAfter);
        var stored = await storage.Files.PutAsync(file, content.WrittenMemory, null, cancellationToken).ConfigureAwait(false);
        return stored.IsSuccess ? stored.Value.Id : throw new JobFailedException($"the batch's {kind} file could not be stored: {stored.Error.Message}");
    }

    private static string Counts(BatchRequestCounts counts) => JsonSerializer.Serialize(counts, BatchJsonContext.Default.BatchRequestCounts);

    [LoggerMessage(EventId = 4152, Level = LogLevel.Information, Message = "Batch {JobId} resumed after {Answered} of {Total} requests, checkpointed in {Parts} part(s); it answers the rest")]
    private static partial void LogResumed(ILogger logger, string jobId, int answered, int total, int parts);

    [LoggerMessage(EventId = 4153, Level = LogLevel.Information, Message = "Batch {JobId} expired with {Answered} requests answered and {Expired} not; those are batch_expired in its error file")]
    private static partial void LogExpired(ILogger logger, string jobId, int answered, int expired);

    [LoggerMessage(EventId = 4151, Level = LogLevel.Information, Message = "Batch {JobId} cancelled after {Answered} of {Total} requests; their answers are kept")]
    private static partial void LogCancelled(ILogger logger, string jobId, int answered, int total);
}

/// <summary>The files a batch writes, under ids derived from its own so that a run taken up again writes the same ones.</summary>
internal static class BatchFiles
{
    public const string Output = "output";

    public const string Errors = "error";

    /// <summary>When the batch's completion window ends: as stored at its creation, or 24 hours after it for a batch stored before.</summary>
    public static DateTimeOffset ExpiresAt(BatchSpec spec, JobRecord job) => spec.ExpiresAt ?? job.CreatedAt.AddHours(24);

    /// <summary><c>file-</c> and the first 32 hex characters of SHA-256 over the batch's id and the file's kind.</summary>
    public static string IdOf(string jobId, string kind) => "file-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{jobId}:{kind}")))[..32];
}

/// <summary>
/// Where a batch's run stands against its last checkpoint: the next part's number, the lines answered up to it and where
/// they end in the output and error files. Immutable: a save returns the next.
/// </summary>
internal sealed record BatchCheckpoint(int Seq, int Lines, int OutputBytes, int ErrorBytes, BatchRequestCounts Counts, long SavedAt)
{
    /// <summary>Whether the lines answered up to <paramref name="answered"/> are due to be stored.</summary>
    public bool IsDue(int answered, BatchOptions options) =>
        answered - Lines >= options.CheckpointLines || Stopwatch.GetElapsedTime(SavedAt).TotalSeconds >= options.CheckpointSeconds;

    /// <summary>Stores the lines answered since this checkpoint as the next part (nothing when the run no longer holds the job).</summary>
    public async Task<BatchCheckpoint> SaveAsync(
        JobExecution execution, ArrayBufferWriter<byte> output, ArrayBufferWriter<byte> errors, int answered, BatchRequestCounts counts, CancellationToken cancellationToken)
    {
        var part = new JobPart(Seq, output.WrittenSpan[OutputBytes..].ToArray(), errors.WrittenSpan[ErrorBytes..].ToArray());
        // A run that lost the job stores nothing; its heartbeat stops it within a beat.
        return await execution.SavePartAsync(part, cancellationToken).ConfigureAwait(false)
            ? new BatchCheckpoint(Seq + 1, answered, output.WrittenCount, errors.WrittenCount, counts, Stopwatch.GetTimestamp())
            : this;
    }
}
