using System.Text.Json.Serialization.Metadata;
using MaaS.Services.Text;
using MaaS.Services.Training;

namespace MaaS.Gateway.Contracts.V1;

/// <summary><c>POST /v1/classify</c> body.</summary>
/// <param name="Model">A text classifier the tenant may use (a trained <c>&lt;tenant&gt;.&lt;name&gt;</c>, or a bundled text model).</param>
/// <param name="Texts">1..256 non-empty texts.</param>
/// <param name="Version">Version; default the model's default version.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ClassifyRequest(string? Model, IReadOnlyList<string?>? Texts, long? Version = null)
    : IJsonRequestBody<ClassifyRequest>, IWorkCost
{
    long IWorkCost.WorkCost => WorkCosts.Texts(Texts);

    static JsonTypeInfo<ClassifyRequest> IJsonRequestBody<ClassifyRequest>.JsonType => V1TrainingJsonContext.Default.ClassifyRequest;
}

/// <summary>Source-generated JSON for the /v1 training and classify contracts (web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TrainingRequest))]
[JsonSerializable(typeof(TrainingJobResponse))]
[JsonSerializable(typeof(List<TrainingJobResponse>))]
[JsonSerializable(typeof(ClassifyRequest))]
[JsonSerializable(typeof(ClassifyResponse))]
public sealed partial class V1TrainingJsonContext : JsonSerializerContext;
