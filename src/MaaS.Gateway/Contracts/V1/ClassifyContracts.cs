using MaaS.Services.Training;

namespace MaaS.Gateway.Contracts.V1;

/// <summary><c>POST /v1/classify</c> body.</summary>
/// <param name="Model">A text classifier the tenant may use (a trained <c>&lt;tenant&gt;.&lt;name&gt;</c>, or a bundled text model).</param>
/// <param name="Texts">1..256 non-empty texts.</param>
/// <param name="Version">Version; default the model's default version.</param>
public sealed record ClassifyRequest(string? Model, IReadOnlyList<string?>? Texts, long? Version = null)
    : IRequestBody<ClassifyRequest>, IWorkCost
{
    long IWorkCost.WorkCost => WorkCosts.Texts(Texts);

    static AcceptsMetadata IRequestBody<ClassifyRequest>.Accepts => JsonBody.Accepts<ClassifyRequest>("application/json");

    static ValueTask<Result<ClassifyRequest>> IRequestBody<ClassifyRequest>.ReadAsync(HttpRequest request) =>
        JsonBody.ReadAsync(request, V1TrainingJsonContext.Default.ClassifyRequest);
}

/// <summary><c>POST /v1/classify</c> answer.</summary>
/// <param name="Model">Model that answered.</param>
/// <param name="Version">Version that answered.</param>
/// <param name="Labels">Labels in the order of each result's <c>scores</c>.</param>
/// <param name="Results">One per text, in request order.</param>
public sealed record ClassifyResponse(string Model, long Version, IReadOnlyList<string> Labels, IReadOnlyList<ClassifyResult> Results);

/// <summary>The classification of one text.</summary>
/// <param name="Label">Most probable label.</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Labels">Decided labels: the label itself for single-label models; for multi-label, every label at or above the model's threshold (at least one), most probable first.</param>
/// <param name="Scores">Probability per label (order of <c>labels</c>).</param>
public sealed record ClassifyResult(string Label, float Probability, IReadOnlyList<string> Labels, float[] Scores);

/// <summary>Source-generated JSON for the /v1 training and classify contracts (web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TrainingRequest))]
[JsonSerializable(typeof(TrainingJobResponse))]
[JsonSerializable(typeof(TrainingJobListResponse))]
[JsonSerializable(typeof(ClassifyRequest))]
[JsonSerializable(typeof(ClassifyResponse))]
public sealed partial class V1TrainingJsonContext : JsonSerializerContext;
