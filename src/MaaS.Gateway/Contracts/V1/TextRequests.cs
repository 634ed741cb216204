using System.Text.Json.Serialization.Metadata;
using MaaS.Services.Text;

namespace MaaS.Gateway.Contracts.V1;

/// <summary><c>POST /v1/sentiment</c> body.</summary>
/// <param name="Texts">1..256 non-empty texts (each at most 20,000 characters).</param>
/// <param name="Model">Model name; default <c>sentiment</c>.</param>
/// <param name="Version">Model version; default the model's default version.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SentimentRequest(IReadOnlyList<string?>? Texts, string? Model = null, long? Version = null)
    : IJsonRequestBody<SentimentRequest>, IWorkCost
{
    long IWorkCost.WorkCost => WorkCosts.Texts(Texts);

    static JsonTypeInfo<SentimentRequest> IJsonRequestBody<SentimentRequest>.JsonType => V1TextJsonContext.Default.SentimentRequest;
}

/// <summary><c>POST /v1/analyze</c> body.</summary>
/// <param name="Items">1..256 contents to analyse.</param>
/// <param name="Model">Tagging model; default <c>content-tags</c>.</param>
/// <param name="Version">Tagging model version; default its default version.</param>
/// <param name="SentimentModel">Sentiment model; default <c>sentiment</c>.</param>
/// <param name="SentimentVersion">Sentiment model version; default its default version.</param>
/// <param name="MaxTags">Most tags per item (1..20, default 5).</param>
/// <param name="MaxTerms">Most explanation terms and keywords per item (1..50, default 5).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AnalyzeRequest(
    IReadOnlyList<AnalyzeItem?>? Items,
    string? Model = null,
    long? Version = null,
    string? SentimentModel = null,
    long? SentimentVersion = null,
    int? MaxTags = null,
    int? MaxTerms = null)
    : IJsonRequestBody<AnalyzeRequest>, IWorkCost
{
    // Two models read every text (the tagger with its title), and both explain their answers.
    long IWorkCost.WorkCost => 2 * WorkCosts.Texts(Items?.Count ?? 0, Items?.Sum(i => (long)(i?.Text?.Length ?? 0) + (i?.Title?.Length ?? 0)) ?? 0);

    static JsonTypeInfo<AnalyzeRequest> IJsonRequestBody<AnalyzeRequest>.JsonType => V1TextJsonContext.Default.AnalyzeRequest;
}

/// <summary>Source-generated JSON for the /v1 text contracts (web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(SentimentRequest))]
[JsonSerializable(typeof(SentimentResponse))]
[JsonSerializable(typeof(AnalyzeRequest))]
[JsonSerializable(typeof(AnalyzeResponse))]
public sealed partial class V1TextJsonContext : JsonSerializerContext;
