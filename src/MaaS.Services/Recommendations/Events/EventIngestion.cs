using MaaS.Services.Recommendations.Attribution;

namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// Validates an event batch as a whole (every problem listed, nothing stored when one is wrong), appends it durably,
/// then tells the tenant's state (rebuild needed; the trending follower reads the log now). Thread-safe.
/// </summary>
internal sealed partial class EventIngestion(
    IEventStore events,
    UserHistoryCache histories,
    TenantStates tenants,
    AttributionTally tally,
    TimeProvider time,
    ILogger<EventIngestion> logger)
{
    /// <summary>How far in the future a timestamp may lie (clock skew between app and gateway).</summary>
    private static readonly TimeSpan MaxFutureSkew = TimeSpan.FromDays(1);

    public async ValueTask<Result<EventBatchResponse>> AppendAsync(string tenant, EventBatchRequest? request, CancellationToken cancellationToken)
    {
        if (request?.Events is not { Count: > 0 } input)
        {
            return Error.Invalid([new FieldProblem(-1, "events", "must hold at least one event")]);
        }

        if (input.Count > StorageLimits.MaxBatchSize)
        {
            return new Error(ErrorCode.PayloadTooLarge, $"at most {StorageLimits.MaxBatchSize} events per batch");
        }

        var now = time.GetUtcNow();
        var batch = new InteractionEvent[input.Count];
        List<FieldProblem>? problems = null;
        for (int i = 0; i < input.Count; i++)
        {
            var e = input[i];
            if (e is null)
            {
                (problems ??= []).Add(new FieldProblem(i, $"events[{i}]", "must not be null"));
                continue;
            }

            if (Check(e, i, now) is { } broken)
            {
                (problems ??= []).AddRange(broken);
                continue;
            }

            batch[i] = new InteractionEvent(e.EventId!, (e.UserId ?? e.SessionId)!, e.ItemId!, e.Type!, e.Value ?? 1f, e.Timestamp ?? now, e.RecommendationId);
        }

        if (problems is not null)
        {
            return Error.Invalid(problems);
        }

        var appended = await events.AppendAsync(tenant, batch, cancellationToken).ConfigureAwait(false);
        if (!appended.TryGetValue(out var result, out var error))
        {
            if (error.Code == ErrorCode.InvalidRequest)
            {
                return Error.Invalid(
                    [.. error.Problems.Select(f => new FieldProblem(f.Index, f.Index is null ? f.Field : $"events[{f.Index}].{Camel(f.Field)}", f.Reason))]);
            }

            LogAppendFailed(logger, input.Count);
            return new Error(ErrorCode.DependencyUnavailable, "the event store is unavailable; nothing was stored");
        }

        await NoteAsync(tenant, batch, cancellationToken).ConfigureAwait(false);
        if (result.Duplicates == 0)
        {
            tally.Stored(tenant, batch);
        }

        return Result<EventBatchResponse>.Ok(new EventBatchResponse(result.Received, result.Inserted, result.Duplicates, result.SessionToken));
    }

    private async ValueTask NoteAsync(string tenant, InteractionEvent[] batch, CancellationToken cancellationToken)
    {
        // Before the acknowledgement: the user's next request must read the store again.
        foreach (var e in batch)
        {
            histories.Invalidate(tenant, e.UserId);
        }

        (await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false)).NoteEvents();
    }

    private static List<FieldProblem>? Check(EventInput e, int i, DateTimeOffset now)
    {
        List<FieldProblem>? problems = null;
        void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(i, $"events[{i}].{field}", reason));

        Id(e.EventId, "eventId", Add, required: true);
        Id(e.ItemId, "itemId", Add, required: true);
        if (e.UserId is null == (e.SessionId is null))
        {
            Add("userId", "give exactly one of userId and sessionId");
        }

        Id(e.UserId, "userId", Add, required: false);
        Id(e.SessionId, "sessionId", Add, required: false);
        Id(e.RecommendationId, "recommendationId", Add, required: false);
        if (string.IsNullOrEmpty(e.Type) || e.Type.Length > StorageLimits.MaxTypeLength || !IsWord(e.Type))
        {
            Add("type", $"must be 1..{StorageLimits.MaxTypeLength} lower-case letters, digits, '-' or '_' (view, play, like, rate, skip...)");
        }

        if (e.Value is float v && !float.IsFinite(v))
        {
            Add("value", "must be a finite number");
        }

        if (e.Timestamp is { } ts && ts > now + MaxFutureSkew)
        {
            Add("timestamp", "must not be more than a day in the future");
        }

        return problems;
    }

    private static void Id(string? id, string field, Action<string, string> add, bool required)
    {
        if (id is null)
        {
            if (required)
            {
                add(field, "is required");
            }
        }
        else if (string.IsNullOrWhiteSpace(id) || id.Length > StorageLimits.MaxIdLength)
        {
            add(field, $"must be 1..{StorageLimits.MaxIdLength} characters, not blank");
        }
    }

    private static bool IsWord(string type)
    {
        foreach (char c in type)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Camel(string field) => field.Length == 0 ? field : char.ToLowerInvariant(field[0]) + field[1..];

    [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "Event batch of {Count} could not be stored; the client is told nothing was stored")]
    private static partial void LogAppendFailed(ILogger logger, int count);
}
