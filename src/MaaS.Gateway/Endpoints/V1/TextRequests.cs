using MaaS.Core;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MaaS.Gateway.Contracts.V1;
using MaaS.Gateway.Errors;
using MaaS.Models.Text.Serving;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>Shared plumbing of the text endpoints: body parsing into a value or a ProblemDetails error, result mapping.</summary>
internal static class TextRequests
{
    public static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync(http.Request.Body, type, http.RequestAborted);
            return body is null ? (null, ApiErrors.Problem(ErrorCode.InvalidRequest, "the request body is empty")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, ApiErrors.Problem(ErrorCode.InvalidRequest, $"failed to parse the request JSON: {e.Message}"));
        }
    }

    public static SentimentResult ToSentiment(TextModelProfile profile, TextPrediction prediction)
    {
        int best = prediction.Best;
        return new SentimentResult(profile.Labels[best], prediction.Probabilities[best], prediction.Probabilities, prediction.Features.TokenCount, prediction.Features.Truncated);
    }
}
