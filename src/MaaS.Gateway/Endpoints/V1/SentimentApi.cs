using MaaS.Gateway.Contracts.V1;
using MaaS.Gateway.Errors;
using MaaS.Models.Text.Serving;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary><c>POST /v1/sentiment</c>: label and probability per text, through the model's dynamic batcher.</summary>
internal static class SentimentApi
{
    /// <summary>Model used when the request names none.</summary>
    public const string DefaultModel = "sentiment";

    public static IEndpointRouteBuilder MapSentimentApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/sentiment").WithTags("Text")
            .MapPost("", PredictAsync)
            .WithName("V1Sentiment")
            .WithSummary("Sentiment of up to 256 texts: label and probability per text (model and version selectable).")
            .Accepts<SentimentRequest>("application/json")
            .Produces<SentimentResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> PredictAsync(HttpContext http, TextModelService text)
    {
        var (body, error) = await TextRequests.ReadAsync(http, V1TextJsonContext.Default.SentimentRequest);
        if (error is not null)
        {
            return error;
        }

        var result = await text.PredictAsync(body!.Model ?? DefaultModel, body.Version, body.Texts, withTerms: false, http.RequestAborted);
        if (!result.IsSuccess)
        {
            return ApiErrors.Problem(result);
        }

        var predictions = result.Value!;
        var profile = predictions.Profile;
        var results = new SentimentResult[predictions.Items.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = TextRequests.ToSentiment(profile, predictions.Items[i]);
        }

        return TypedResults.Json(new SentimentResponse(profile.Name, profile.Version, profile.Labels, results), V1TextJsonContext.Default.SentimentResponse);
    }
}
