using System.Text.Json;
using MaaS.Gateway.Contracts.V2;
using MaaS.Gateway.Errors;
using MaaS.Models.Inference;
using Serilog;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary><c>POST /v2/models/{name}[/versions/{v}]/infer</c>: JSON tensors in, JSON tensors out, through the batcher.</summary>
internal static class InferEndpoints
{
    public static RouteGroupBuilder MapInferEndpoints(this RouteGroupBuilder v2)
    {
        v2.MapPost("/models/{name}/infer", (string name, HttpContext http, IModelInference inference, IDiagnosticContext diagnostics) =>
                InferAsync(name, null, http, inference, diagnostics))
            .WithName("V2Infer")
            .WithSummary("Runs inference on the model's default version.")
            .WithDescription("Inputs as {name, shape, datatype, data} with flat or nested data; 'outputs' selects outputs; 'id' is echoed. " +
                "The body is read as JSON whatever its Content-Type. Errors are {\"error\": \"...\"}: 400 invalid input, 404 unknown model, 413 body over the limit, 429 queue full (Retry-After), 503 not ready, 504 timeout.")
            .WithInferMetadata();
        v2.MapPost("/models/{name}/versions/{version}/infer", (string name, string version, HttpContext http, IModelInference inference, IDiagnosticContext diagnostics) =>
                InferAsync(name, version, http, inference, diagnostics))
            .WithName("V2InferVersion")
            .WithSummary("Runs inference on one model version.")
            .WithInferMetadata();
        return v2;
    }

    // "*/*" keeps routing from answering 415 for other Content-Types (curl's form default, none at all): Triton reads
    // the body as JSON whatever it says, and the JSON body is still documented.
    private static RouteHandlerBuilder WithInferMetadata(this RouteHandlerBuilder builder) => builder
        .Accepts<V2InferRequest>("application/json", "*/*")
        .Produces<V2InferResponse>()
        .Produces<V2ErrorResponse>(StatusCodes.Status400BadRequest)
        .Produces<V2ErrorResponse>(StatusCodes.Status404NotFound)
        .Produces<V2ErrorResponse>(StatusCodes.Status413PayloadTooLarge)
        .Produces<V2ErrorResponse>(StatusCodes.Status429TooManyRequests)
        .Produces<V2ErrorResponse>(StatusCodes.Status500InternalServerError)
        .Produces<V2ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
        .Produces<V2ErrorResponse>(StatusCodes.Status504GatewayTimeout);

    private static async Task<IResult> InferAsync(
        string name, string? versionText, HttpContext http, IModelInference inference, IDiagnosticContext diagnostics)
    {
        long? version = V2Mapping.ParseVersion(versionText, out var versionError);
        if (versionError is not null)
        {
            return versionError;
        }

        V2InferRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(http.Request.Body, V2JsonContext.Web.V2InferRequest, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return V2Errors.Result(ApiError.InvalidRequest, $"failed to parse the request JSON: {e.Message}");
        }

        if (body is null || body.Inputs.Count == 0)
        {
            return V2Errors.Result(ApiError.InvalidRequest, "the request needs at least one input");
        }

        var inputs = new InferTensor[body.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (V2TensorCodec.Decode(body.Inputs[i], out string? error) is not { } tensor)
            {
                return V2Errors.Result(ApiError.InvalidRequest, error!);
            }

            inputs[i] = tensor;
        }

        string[]? outputs = body.Outputs?.Select(o => o.Name).ToArray();
        var result = await inference.InferAsync(name, version, new InferenceRequest(inputs, outputs), http.RequestAborted);
        diagnostics.Set("Model", name);
        if (!result.IsSuccess)
        {
            diagnostics.Set("InferenceFailure", result.Failure);
            return V2Errors.Result(result);
        }

        var response = result.Value!;
        var timings = response.Timings;
        diagnostics.Set("ModelVersion", response.ModelVersion);
        diagnostics.Set("BatchSize", timings.BatchSize);
        diagnostics.Set("QueueMs", timings.Queue.TotalMilliseconds);
        diagnostics.Set("ComputeMs", timings.Compute.TotalMilliseconds);
        return TypedResults.Json(
            new V2InferResponse(
                response.ModelName,
                V2Mapping.Text(response.ModelVersion),
                body.Id,
                [.. response.Outputs.Select(o => new V2InferOutput(o.Name, o.DataType.ToProtocolName(), o.Shape, o.Data))]),
            V2JsonContext.Web.V2InferResponse);
    }
}
