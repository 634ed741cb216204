using System.ComponentModel.DataAnnotations;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>The model market's write side: publish (upload), quantise, share, delete. Admin keys of the owning tenant only.</summary>
internal static class MarketEndpoints
{
    public static IEndpointRouteBuilder MapMarketV1(this IEndpointRouteBuilder app)
    {
        // Admin, not ModelOwner: ModelPublisher checks ownership itself and answers 404 for a name it does not know,
        // where ModelOwner would count an unknown name as the operator's (403).
        var models = app.MapGroup("/v1/models").WithTags(ApiTags.Models).RequireAuthorization(MaaSPolicies.Admin)
            // The model the publish example creates, named for the operator tenant ("default") whose admin key tries it.
            .WithParameterExample("name", "default.demo-mlp");
        models.MapPost("", PublishAsync)
            .WithName("V1PublishModel")
            .WithSummary("Publishes an ONNX model as the next version: multipart with file 'model' and JSON 'card' (name, task, description, tags, labels, visibility).")
            .WithDescription("The file must load in ONNX Runtime and agree with the card (labels = last dimension of the first output; optional inputs/outputs names). " +
                "The model is named '<tenant>.<card name>'. Nothing changes unless every check passes. 400 invalid, 409 tenant quota reached, 413 too large.")
            .WithMetadata(PublishForm)
            .WithRequestTimeout(HardeningExtensions.UploadTimeoutPolicy);
        models.MapPost("/{name}/shares", ShareAsync)
            .WithName("V1ShareModel")
            .WithRequestExample("""{"tenant":"acme"}""")
            .WithSummary("Shares a model with another tenant (takes effect with visibility 'tenant'): 201 with the share's Location when new, 200 when it existed.");
        // Reads after the share above, which the document lists first: their examples name the share it made.
        models.MapGet("/{name}/shares", ListSharesAsync)
            .WithName("V1ListModelShares")
            .WithParameterExample("after", "acme")
            .WithPaging(Paged.By("by tenant (ordinal)", "tenant"))
            .WithSummary("The tenants a model is shared with (owner only), a page at a time.");
        models.MapGet("/{name}/shares/{tenant}", GetShareAsync)
            .WithName("V1GetModelShare")
            .WithParameterExample("tenant", "acme")
            .WithSummary("One share of a model (owner only); 404 when the model is not shared with the tenant.");
        models.MapDelete("/{name}/shares/{tenant}", UnshareAsync)
            .WithName("V1UnshareModel")
            .WithParameterExample("tenant", "acme")
            .WithSummary("Withdraws a share.");
        models.MapPost("/{name}/versions/{version}/quantize", QuantizeAsync)
            .WithName("V1QuantizeModel")
            .WithParameterExample("name", "example-mlp")
            .WithParameterExample("version", 1)
            .WithParameterExample("scope", "skip-down-projections")
            .WithSummary("Publishes an int8 dynamically quantised variant of a model version (weights int8 per output channel, activations quantised at run time).")
            .WithDescription("Any ONNX model (or sentence encoder) the tenant can see whose MatMul/Gemm nodes have constant FP32 weights. The tenant's own model gets the next version; " +
                "another's becomes '<tenant>.<card name>'. The card says so in its 'quantization' block. scope: skip-down-projections (default: FFN down-projections stay FP32) or all. " +
                "400 nothing to quantise or already quantised, 404 unknown model or version, 409 quota.")
            .WithRequestTimeout(HardeningExtensions.UploadTimeoutPolicy);
        models.MapDelete("/{name}", DeleteAsync)
            .WithName("V1DeleteModel")
            .WithSummary("Unloads a published model and removes every version and its listing.");
        return app;
    }

    // Documentation only: accepts metadata would let routing answer 415 to a non-multipart body before authorization runs.
    private static readonly MultipartFormMetadata PublishForm = new(
    [
        new("model", "the .onnx file, e.g. the bundled models/example-mlp/1/model.onnx (8 features in, 3 classes out)", IsFile: true),
        new(
            "card",
            "the model card, JSON: name (1-64 of a-z 0-9 - _), task, description, tags, labels (one per class of the first output), visibility " +
            "(private, tenant or public), optional inputs/outputs names, maxBatchSize and any metrics; kept whole as the version's card.json",
            IsFile: false,
            Example: """{"name":"demo-mlp","task":"classification","description":"Churn risk from 8 engagement features.","tags":["demo","mlp"],"labels":["low","medium","high"],"visibility":"tenant","metrics":{"auc":0.81}}""",
            ContentType: "application/json"),
    ]);

    private static async Task<Results<Created<PublishResponse>, ApiProblem<PublishErrors>>> PublishAsync(HttpContext http, ModelPublisher publisher, IOptions<AuthOptions> options)
    {
        var upload = await FileUpload.ReadAsync(http, "model", "card", options.Value.Limits.MaxUploadBytes, ModelCard.MaxCardBytes);
        var result = await upload.ThenAsync(read => publisher.PublishAsync(http.GetTenant(), read.Json, read.File, http.RequestAborted));
        return result.TryGetValue(out var published, out var error)
            ? TypedResults.Created($"/v1/models/{published.Name}", MarketModels.Published(published))
            : new ApiProblem<PublishErrors>(error);
    }

    /// <summary>RFC 9110: a POST that creates the share is 201 with its URL in Location; sharing again changes nothing, 200.</summary>
    private static async Task<Results<Created<ShareResponse>, Ok<ShareResponse>, ApiProblem<MarketModelErrors>>> ShareAsync(
        string name, Body<ShareRequest> body, HttpContext http, ModelPublisher publisher)
    {
        if (!body.Result.TryGetValue(out var request, out var error))
        {
            return new ApiProblem<MarketModelErrors>(error);
        }

        if (request.Tenant is not { Length: > 0 } grantee)
        {
            return new ApiProblem<MarketModelErrors>(ErrorCode.InvalidRequest, "body must be {\"tenant\": \"<tenant>\"}");
        }

        if (!(await publisher.ShareAsync(http.GetTenant(), name, grantee, share: true, http.RequestAborted)).TryGetValue(out var change, out error))
        {
            return new ApiProblem<MarketModelErrors>(error);
        }

        var shares = MarketModels.Shares(change.Listing);
        return change.Changed ? TypedResults.Created($"/v1/models/{Uri.EscapeDataString(name)}/shares/{Uri.EscapeDataString(grantee)}", shares) : TypedResults.Ok(shares);
    }

    private static async Task<Results<Ok<List<ModelShare>>, ApiProblem<MarketModelErrors>>> ListSharesAsync(
        string name, [Range(1, PageRequest.MaxLimit)] int? limit, string? after, HttpContext http, ModelPublisher publisher)
    {
        var shares = await PageRequest.Create(limit, after).ThenAsync(page => publisher.ListSharesAsync(http.GetTenant(), name, page, http.RequestAborted));
        return shares.TryGetValue(out var page, out var error) ? TypedResults.Ok(Paged.Items(http, page)) : new ApiProblem<MarketModelErrors>(error);
    }

    private static async Task<Results<Ok<ModelShare>, ApiProblem<MarketModelErrors>>> GetShareAsync(string name, string tenant, HttpContext http, ModelPublisher publisher) =>
        (await publisher.GetShareAsync(http.GetTenant(), name, tenant, http.RequestAborted)).TryGetValue(out var share, out var error)
            ? TypedResults.Ok(share)
            : new ApiProblem<MarketModelErrors>(error);

    private static async Task<Results<Ok<ShareResponse>, ApiProblem<MarketModelErrors>>> UnshareAsync(
        string name, string tenant, HttpContext http, ModelPublisher publisher) =>
        ToShare(await publisher.ShareAsync(http.GetTenant(), name, tenant, share: false, http.RequestAborted));

    private static async Task<Results<NoContent, ApiProblem<MarketModelErrors>>> DeleteAsync(string name, HttpContext http, ModelPublisher publisher)
    {
        var result = await publisher.DeleteAsync(http.GetTenant(), name, http.RequestAborted);
        return result.TryGetValue(out _, out var error) ? TypedResults.NoContent() : new ApiProblem<MarketModelErrors>(error);
    }

    /// <param name="name">The model to quantise.</param>
    /// <param name="version">Its version.</param>
    /// <param name="scope">skip-down-projections (default: FFN down-projections stay FP32) or all.</param>
    /// <param name="http">The request.</param>
    /// <param name="quantizer">The quantiser.</param>
    private static async Task<Results<Created<PublishResponse>, ApiProblem<QuantizeErrors>>> QuantizeAsync(
        string name, long version, string? scope, HttpContext http, ModelQuantizer quantizer)
    {
        if (ModelQuantizer.ParseScope(scope) is not { } parsed)
        {
            return new ApiProblem<QuantizeErrors>(ErrorCode.InvalidRequest, "scope must be 'skip-down-projections' (default) or 'all'");
        }

        var result = await quantizer.QuantizeAsync(http.GetTenant(), name, version, parsed, http.RequestAborted);
        return result.TryGetValue(out var published, out var error)
            ? TypedResults.Created($"/v1/models/{published.Name}", MarketModels.Published(published))
            : new ApiProblem<QuantizeErrors>(error);
    }

    private static Results<Ok<ShareResponse>, ApiProblem<MarketModelErrors>> ToShare(Result<ShareChange> result) =>
        result.TryGetValue(out var change, out var error)
            ? TypedResults.Ok(MarketModels.Shares(change.Listing))
            : new ApiProblem<MarketModelErrors>(error);
}
