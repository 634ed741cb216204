namespace MaaS.Gateway.Contracts.V1;

/// <summary>
/// Source-generated JSON for the recommendation contracts (web defaults: camelCase), used by the HTTP pipeline first.
/// The contracts live in MaaS.Services, which takes and returns them, so a request keeps one shape end to end.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(EventBatchRequest))]
[JsonSerializable(typeof(EventBatchResponse))]
[JsonSerializable(typeof(ItemBatchRequest))]
[JsonSerializable(typeof(ItemBatchResponse))]
[JsonSerializable(typeof(ItemResponse))]
[JsonSerializable(typeof(IReadOnlyList<ItemResponse>))]
[JsonSerializable(typeof(RecommendRequest))]
[JsonSerializable(typeof(RecommendResponse))]
[JsonSerializable(typeof(RecommendRowsRequest))]
[JsonSerializable(typeof(RecommendRowsResponse))]
[JsonSerializable(typeof(BiasReportRequest))]
[JsonSerializable(typeof(BiasReportResponse))]
[JsonSerializable(typeof(AttributionReport))]
[JsonSerializable(typeof(SimilarItemsResponse))]
[JsonSerializable(typeof(RebuildResponse))]
[JsonSerializable(typeof(RebuildJobResponse))]
[JsonSerializable(typeof(IReadOnlyList<RebuildJobResponse>))]
[JsonSerializable(typeof(PingResponse))]
[JsonSerializable(typeof(FieldProblem))]
[JsonSerializable(typeof(IReadOnlyList<FieldProblem>))]
[JsonSerializable(typeof(UserAnalysisResponse))]
[JsonSerializable(typeof(UserExportResponse))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(MaaS.Services.Search.Suggest.SuggestResponse))]
public sealed partial class RecommendationsJsonContext : JsonSerializerContext;
