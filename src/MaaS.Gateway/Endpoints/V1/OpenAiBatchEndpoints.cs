using MaaS.Services.Batches;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// OpenAI's Files and Batch APIs under <c>/openai/v1</c>, for offline scoring with OpenAI's client libraries: upload a
/// JSONL file, create a batch of <c>/v1/embeddings</c>, <c>/v1/sentiment</c> or <c>/v1/classify</c> requests over it,
/// poll, download the output. The work is <c>MaaS.Services/Batches</c>'; these handlers bind, call and map.
/// </summary>
internal static class OpenAiBatchEndpoints
{
    private const string FileId = "file-5f0c6d0e8a3b4c2d9e1f0a7b6c5d4e3f";

    private static readonly MultipartFormMetadata UploadForm = new(
    [
        new("file", "a JSONL file of requests, one {\"custom_id\", \"method\": \"POST\", \"url\", \"body\"} per line", IsFile: true),
        new("purpose", "only 'batch'", IsFile: false, Example: "batch"),
        new("expires_after[anchor]", "with expires_after[seconds], the file expires: only 'created_at'", IsFile: false, Example: "created_at"),
        new("expires_after[seconds]", "seconds after its creation the file expires (and is deleted): 3,600 to 2,592,000", IsFile: false, Example: "86400"),
    ]);

    public static IEndpointRouteBuilder MapOpenAiBatches(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/openai/v1/files").WithTags(ApiTags.OpenAi).RequireAuthorization(MaaSPolicies.App).WithParameterExample("file_id", FileId);
        files.MapPost("", UploadAsync).WithName("OpenAiUploadFile").WithMetadata(UploadForm).WithRequestTimeout(HardeningExtensions.UploadTimeoutPolicy)
            .WithSummary("Uploads a batch input file (multipart: file, purpose 'batch', optionally expires_after[anchor] 'created_at' and expires_after[seconds]); OpenAI's file object. 413 past Batches:MaxFileBytes (100 MB), 409 past the tenant's file quota.");
        files.MapGet("", ListFilesAsync).WithName("OpenAiListFiles").WithParameterExample("after", FileId).WithParameterExample("purpose", "batch")
            .WithParameterExample("limit", 10).WithParameterExample("order", "desc")
            .WithSummary("The tenant's files in OpenAI's list: newest first (order 'desc', or 'asc'), limit 1..10,000, after a file id, purpose a filter.");
        files.MapGet("/{file_id}", GetFileAsync).WithName("OpenAiGetFile").WithSummary("One of the tenant's files (another tenant's is a 404).");
        files.MapGet("/{file_id}/content", ContentAsync).WithName("OpenAiFileContent").WithSummary("The file's bytes.");
        files.MapDelete("/{file_id}", DeleteFileAsync).WithName("OpenAiDeleteFile").WithSummary("Deletes the file; OpenAI's deleted object.");

        var batches = app.MapGroup("/openai/v1/batches").WithTags(ApiTags.OpenAi).RequireAuthorization(MaaSPolicies.App)
            .WithParameterExample("batch_id", "batch_5f0c6d0e8a3b4c2d9e1f0a7b6c5d4e3f");
        batches.MapPost("", CreateAsync).WithName("OpenAiCreateBatch").Accepts<CreateBatchRequest>("application/json")
            .WithRequestExample($$$"""{"input_file_id":"{{{FileId}}}","endpoint":"/v1/embeddings","completion_window":"24h","metadata":{"job":"nightly"},"output_expires_after":{"anchor":"created_at","seconds":604800}}""")
            .WithSummary("Creates a batch over an uploaded file: endpoint /v1/embeddings, /v1/sentiment or /v1/classify, completion_window '24h', up to 16 metadata pairs, output_expires_after for its files.")
            .WithDescription("The batch runs as a durable job on the gateway's low-priority threads, within the tenant's work budget. A malformed file (a line that is not " +
                "{custom_id, method POST, url, body}, a repeated custom_id, a url other than the endpoint) fails the batch with every problem in errors.data; a body the " +
                "endpoint refuses becomes a line of the error file. Output lines carry the body the online endpoint answers.");
        batches.MapGet("", ListBatchesAsync).WithName("OpenAiListBatches").WithParameterExample("after", "batch_5f0c6d0e8a3b4c2d9e1f0a7b6c5d4e3f").WithParameterExample("limit", 20)
            .WithSummary("The tenant's batches, newest first, in OpenAI's list (limit 1..100, default 20; after a batch id).");
        batches.MapGet("/{batch_id}", GetBatchAsync).WithName("OpenAiGetBatch").WithSummary("A batch: status, request_counts, output_file_id and error_file_id once written.");
        batches.MapPost("/{batch_id}/cancel", CancelAsync).WithName("OpenAiCancelBatch")
            .WithSummary("Cancels a batch: it stops within a heartbeat (a second) and keeps the answers written so far in its output and error files.");
        return app;
    }

    private static async Task<Results<Ok<OpenAiFile>, ApiProblem<PublishErrors>>> UploadAsync(HttpContext http, OpenAiFiles files)
    {
        var uploaded = await (await PurposeFileUpload.ReadAsync(http, files.Options.MaxFileBytes)).ThenAsync(upload => files.UploadAsync(http.GetTenant(), upload.FileName, upload.Purpose, upload.ExpiresAnchor, upload.ExpiresSeconds, upload.Bytes, http.RequestAborted));
        return uploaded.TryGetValue(out var file, out var error) ? TypedResults.Ok(file) : new ApiProblem<PublishErrors>(error);
    }

    /// <param name="purpose">Only files of this purpose ('batch' or 'batch_output').</param>
    /// <param name="limit">Files per page, 1..10,000 (default 10,000).</param>
    /// <param name="after">The last file id of the previous page.</param>
    /// <param name="order">'desc' (default, newest first) or 'asc'.</param>
    /// <param name="http">The request.</param>
    /// <param name="files">The files.</param>
    private static async Task<Results<Ok<OpenAiList<OpenAiFile>>, ApiProblem<ListErrors>>> ListFilesAsync(
        string? purpose, int? limit, string? after, string? order, HttpContext http, OpenAiFiles files) =>
        OkOr<OpenAiList<OpenAiFile>, ListErrors>(await files.ListAsync(http.GetTenant(), purpose, limit, after, order, http.RequestAborted));

    private static async Task<Results<Ok<OpenAiFile>, ApiProblem<RecordErrors>>> GetFileAsync(string file_id, HttpContext http, OpenAiFiles files) =>
        OkOr<OpenAiFile, RecordErrors>(await files.GetAsync(http.GetTenant(), file_id, http.RequestAborted));

    private static async Task<Results<FileContentHttpResult, ApiProblem<RecordErrors>>> ContentAsync(string file_id, HttpContext http, OpenAiFiles files) =>
        (await files.ContentAsync(http.GetTenant(), file_id, http.RequestAborted)).TryGetValue(out var bytes, out var error)
            ? TypedResults.Bytes(bytes, "application/octet-stream")
            : new ApiProblem<RecordErrors>(error);

    private static async Task<Results<Ok<OpenAiFileDeleted>, ApiProblem<RecordErrors>>> DeleteFileAsync(string file_id, HttpContext http, OpenAiFiles files) =>
        OkOr<OpenAiFileDeleted, RecordErrors>(await files.DeleteAsync(http.GetTenant(), file_id, http.RequestAborted));

    private static async Task<Results<Ok<OpenAiBatch>, ApiProblem<RecordErrors>>> CreateAsync(HttpContext http, BatchService batches) =>
        await BoundedBody.ReadAsync(http, 64 * 1024) is { } body
            ? OkOr<OpenAiBatch, RecordErrors>(await batches.CreateAsync(http.GetTenant(), body, http.RequestAborted))
            : new ApiProblem<RecordErrors>(Error.Invalid("body", "a batch request is at most 64 KB"));

    /// <param name="limit">Batches per page, 1..100 (default 20).</param>
    /// <param name="after">The last batch id of the previous page.</param>
    /// <param name="http">The request.</param>
    /// <param name="batches">The batches.</param>
    private static async Task<Results<Ok<OpenAiList<OpenAiBatch>>, ApiProblem<ListErrors>>> ListBatchesAsync(int? limit, string? after, HttpContext http, BatchService batches) =>
        OkOr<OpenAiList<OpenAiBatch>, ListErrors>(await batches.ListAsync(http.GetTenant(), limit, after, http.RequestAborted));

    private static async Task<Results<Ok<OpenAiBatch>, ApiProblem<RecordErrors>>> GetBatchAsync(string batch_id, HttpContext http, BatchService batches) =>
        OkOr<OpenAiBatch, RecordErrors>(await batches.GetAsync(http.GetTenant(), batch_id, http.RequestAborted));

    private static async Task<Results<Ok<OpenAiBatch>, ApiProblem<RecordErrors>>> CancelAsync(string batch_id, HttpContext http, BatchService batches) =>
        OkOr<OpenAiBatch, RecordErrors>(await batches.CancelAsync(http.GetTenant(), batch_id, http.RequestAborted));

    private static Results<Ok<T>, ApiProblem<TErrors>> OkOr<T, TErrors>(Result<T> result)
        where TErrors : IErrorSet =>
        result.TryGetValue(out var value, out var error) ? TypedResults.Ok(value) : new ApiProblem<TErrors>(error);
}
