using MaaS.Models.Embeddings;
using MaaS.Services.Text;

namespace MaaS.Gateway.Hosting;

/// <summary>Text models (sentiment, content analysis, embeddings): the services over the registry and the /v1 endpoints.</summary>
internal static class TextModelsExtensions
{
    public static IHostApplicationBuilder AddTextModels(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TextModelService>();
        builder.Services.AddSingleton<EmbeddingService>();
        builder.Services.AddSingleton<ContentAnalysis>();
        return builder;
    }

    /// <summary>Maps <c>POST /v1/sentiment</c>, <c>POST /v1/analyze</c> and <c>POST /v1/embeddings</c>.</summary>
    public static IEndpointRouteBuilder MapTextV1(this IEndpointRouteBuilder app) =>
        app.MapSentimentV1().MapAnalyzeV1().MapEmbeddingsV1();
}
