using MaaS.Gateway.Endpoints.V1;
using MaaS.Models.Text.Serving;

namespace MaaS.Gateway.Hosting;

/// <summary>Text models (sentiment, content analysis): the service over the registry and the /v1 endpoints.</summary>
internal static class TextModelsExtensions
{
    public static IHostApplicationBuilder AddTextModels(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TextModelService>();
        return builder;
    }

    /// <summary>Maps <c>POST /v1/sentiment</c> and <c>POST /v1/analyze</c>.</summary>
    public static IEndpointRouteBuilder MapTextV1(this IEndpointRouteBuilder app) =>
        app.MapSentimentV1().MapAnalyzeV1();
}
