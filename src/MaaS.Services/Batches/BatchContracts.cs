namespace MaaS.Services.Batches;

/// <summary><c>POST /openai/v1/batches</c> body, OpenAI's shape.</summary>
/// <param name="InputFileId">A file of purpose <c>batch</c>: one request per line.</param>
/// <param name="Endpoint"><c>/v1/embeddings</c>, <c>/v1/sentiment</c> or <c>/v1/classify</c>.</param>
/// <param name="CompletionWindow">Only <c>24h</c>.</param>
/// <param name="Metadata">Up to 16 pairs: keys up to 64 characters, values up to 512.</param>
/// <param name="OutputExpiresAfter">When the batch's output and error files expire, from each file's creation; null: kept until deleted.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateBatchRequest(
    [property: JsonPropertyName("input_file_id")] string? InputFileId,
    [property: JsonPropertyName("endpoint")] string? Endpoint,
    [property: JsonPropertyName("completion_window")] string? CompletionWindow,
    [property: JsonPropertyName("metadata")] Dictionary<string, string>? Metadata = null,
    [property: JsonPropertyName("output_expires_after")] FileExpiresAfter? OutputExpiresAfter = null);

/// <summary>OpenAI's expiration policy of a file: it expires <c>seconds</c> after its <c>anchor</c>, which is only <c>created_at</c>.</summary>
/// <param name="Anchor">Only <c>created_at</c>.</param>
/// <param name="Seconds">3,600 (an hour) to 2,592,000 (30 days).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record FileExpiresAfter(
    [property: JsonPropertyName("anchor")] string? Anchor,
    [property: JsonPropertyName("seconds")] long? Seconds);

/// <summary>OpenAI's batch object.</summary>
public sealed record OpenAiBatch(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("errors")] BatchErrors? Errors,
    [property: JsonPropertyName("input_file_id")] string InputFileId,
    [property: JsonPropertyName("completion_window")] string CompletionWindow,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("output_file_id")] string? OutputFileId,
    [property: JsonPropertyName("error_file_id")] string? ErrorFileId,
    [property: JsonPropertyName("created_at")] long CreatedAt,
    [property: JsonPropertyName("in_progress_at")] long? InProgressAt,
    [property: JsonPropertyName("expires_at")] long ExpiresAt,
    [property: JsonPropertyName("finalizing_at")] long? FinalizingAt,
    [property: JsonPropertyName("completed_at")] long? CompletedAt,
    [property: JsonPropertyName("failed_at")] long? FailedAt,
    [property: JsonPropertyName("expired_at")] long? ExpiredAt,
    [property: JsonPropertyName("cancelling_at")] long? CancellingAt,
    [property: JsonPropertyName("cancelled_at")] long? CancelledAt,
    [property: JsonPropertyName("request_counts")] BatchRequestCounts RequestCounts,
    [property: JsonPropertyName("metadata")] Dictionary<string, string>? Metadata)
{
    /// <summary>Always <c>batch</c>.</summary>
    [JsonPropertyName("object")]
    public string Object { get; init; } = "batch";
}

/// <summary>Requests of a batch: in its input, answered, and answered with an error.</summary>
public sealed record BatchRequestCounts(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("completed")] int Completed,
    [property: JsonPropertyName("failed")] int Failed);

/// <summary>Why a batch failed as a whole: OpenAI's list of problems with its input file.</summary>
public sealed record BatchErrors([property: JsonPropertyName("data")] IReadOnlyList<BatchError> Data)
{
    /// <summary>Always <c>list</c>.</summary>
    [JsonPropertyName("object")]
    public string Object { get; init; } = "list";
}

/// <summary>One problem of a batch's input.</summary>
/// <param name="Code">OpenAI's words: <c>invalid_json_line</c>, <c>duplicate_custom_id</c>, <c>mismatched_endpoint</c>, ….</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Param">The member at fault, or null.</param>
/// <param name="Line">The 1-based line of the input, or null.</param>
public sealed record BatchError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("line")] int? Line);

/// <summary>One line of a batch's input: OpenAI's <c>{"custom_id", "method", "url", "body"}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record BatchInputLine(
    [property: JsonPropertyName("custom_id")] string? CustomId,
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("body")] JsonElement Body);

/// <summary>One line of a batch's output or error file: OpenAI's <c>{"id", "custom_id", "response", "error"}</c>.</summary>
internal sealed record BatchOutputLine(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("custom_id")] string CustomId,
    [property: JsonPropertyName("response")] BatchResponse? Response,
    [property: JsonPropertyName("error")] BatchError? Error);

/// <summary>The endpoint's answer to one line: its status and body, the body as the online endpoint writes it.</summary>
internal sealed record BatchResponse(
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("request_id")] string RequestId,
    [property: JsonPropertyName("body")] JsonElement Body);

/// <summary>
/// What a batch job stores: its parameters, and when its completion window ends (<c>ExpiresAt</c>; null in batches
/// stored before it was kept: 24 hours after creation).
/// </summary>
/// <remarks><c>OutputExpiresAfterSeconds</c>: the output and error files' expiry from their creation (null: kept until deleted).</remarks>
internal sealed record BatchSpec(
    string InputFileId, string Endpoint, string CompletionWindow, Dictionary<string, string>? Metadata, DateTimeOffset? ExpiresAt = null, long? OutputExpiresAfterSeconds = null);

/// <summary>
/// A finished (or cancelled) batch's outcome; <c>Expired</c> when its completion window ended first (the unanswered
/// lines are then in the error file as <c>batch_expired</c>).
/// </summary>
internal sealed record BatchOutcome(string? OutputFileId, string? ErrorFileId, BatchRequestCounts Counts, bool Expired = false);

/// <summary>Source-generated JSON of the batch contracts: OpenAI's snake_case names are on the members; nulls written, as OpenAI does.</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateBatchRequest))]
[JsonSerializable(typeof(OpenAiBatch))]
[JsonSerializable(typeof(OpenAiList<OpenAiBatch>))]
[JsonSerializable(typeof(OpenAiFile))]
[JsonSerializable(typeof(OpenAiList<OpenAiFile>))]
[JsonSerializable(typeof(OpenAiFileDeleted))]
[JsonSerializable(typeof(BatchInputLine))]
[JsonSerializable(typeof(BatchOutputLine))]
[JsonSerializable(typeof(BatchSpec))]
[JsonSerializable(typeof(BatchOutcome))]
[JsonSerializable(typeof(List<BatchError>))]
[JsonSerializable(typeof(BatchErrorBody))]
[JsonSerializable(typeof(BatchRequestCounts))]
internal sealed partial class BatchJsonContext : JsonSerializerContext;
