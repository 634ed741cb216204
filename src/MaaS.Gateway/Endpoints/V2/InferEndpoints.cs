using MaaS.Core;
using MaaS.Gateway.Contracts.V2;
using MaaS.Gateway.Errors;
using MaaS.Models.Inference;
using Serilog;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>
/// <c>POST /v2/models/{name}[/versions/{v}]/infer</c>: tensors in as JSON or binary (Triton's binary tensor data
/// extension), out as JSON or binary, through the batcher. The body is read whatever its Content-Type, as Triton does.
/// </summary>
internal static class InferEndpoints
{
    private const string Description =
        "Inputs as {name, shape, datatype, data} with flat or nested data; 'outputs' selects outputs; 'id' is echoed. " +
        "The body is read as JSON whatever its Content-Type. " +
        "Binary tensor data extension (tritonclient.http's default): with header Inference-Header-Content-Length: N the first N bytes of the body " +
        "are the JSON request and the rest is binary data; an input with parameters {\"binary_data_size\": B} and no 'data' takes the next B bytes, " +
        "in input order (little-endian, row-major; BOOL one byte 0/1; BYTES as 4-byte little-endian length + UTF-8 bytes). " +
        "An output with parameters {\"binary_data\": true}, or every output when the request parameter \"binary_data_output\" is true, comes back " +
        "as binary: its JSON carries parameters {\"binary_data_size\": B} and no data, the body is the JSON then the blobs in output order, with " +
        "Inference-Header-Content-Length = JSON length and Content-Type application/octet-stream. Without binary outputs the answer is plain JSON. " +
        "Errors are {\"error\": \"...\"}: 400 invalid input (including binary sizes that do not match the shapes or the body), 404 unknown model, " +
        "413 body over the limit, 429 queue full (Retry-After), 503 not ready, 504 timeout.";

    public static RouteGroupBuilder MapInferEndpoints(this RouteGroupBuilder v2)
    {
        v2.MapPost("/models/{name}/infer", (string name, HttpContext http, IModelInference inference, IDiagnosticContext diagnostics) =>
                InferAsync(name, null, http, inference, diagnostics))
            .WithName("V2Infer")
            .WithSummary("Runs inference on the model's default version.")
            .WithDescription(Description)
            .WithInferMetadata();
        v2.MapPost("/models/{name}/versions/{version}/infer", (string name, string version, HttpContext http, IModelInference inference, IDiagnosticContext diagnostics) =>
                InferAsync(name, version, http, inference, diagnostics))
            .WithName("V2InferVersion")
            .WithSummary("Runs inference on one model version.")
            .WithDescription(Description)
            .WithInferMetadata();
        return v2;
    }

    // "*/*" keeps routing from answering 415 for other Content-Types (curl's form default, none at all, octet-stream)
    // while the JSON body is still documented.
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

        var (read, readError) = await V2InferBody.ReadAsync(http.Request, http.RequestAborted);
        if (read is null)
        {
            return readError!;
        }

        var body = read.Request;
        if (body.Inputs is not { Count: > 0 })
        {
            return V2Errors.Result(ErrorCode.InvalidRequest, "the request needs at least one input");
        }

        if (V2OutputEncoding.Parse(body, out string? error) is not { } encoding
            || V2TensorCodec.DecodeAll(body.Inputs, read.Binary.Span, read.HasBinaryPart, out error) is not { } inputs)
        {
            return V2Errors.Result(ErrorCode.InvalidRequest, error!);
        }

        string[]? outputs = body.Outputs?.Select(o => o.Name).ToArray();
        var result = await inference.InferAsync(name, version, new InferenceRequest(inputs, outputs), http.RequestAborted);
        diagnostics.Set("Model", name);
        if (!result.IsSuccess)
        {
            diagnostics.Set("InferenceFailure", result.Error.Code);
            return V2Errors.Result(result);
        }

        var response = result.Value!;
        var timings = response.Timings;
        diagnostics.Set("ModelVersion", response.ModelVersion);
        diagnostics.Set("BatchSize", timings.BatchSize);
        diagnostics.Set("QueueMs", timings.Queue.TotalMilliseconds);
        diagnostics.Set("ComputeMs", timings.Compute.TotalMilliseconds);
        var written = new V2InferOutput[response.Outputs.Count];
        List<Array>? blobs = null;
        for (int i = 0; i < written.Length; i++)
        {
            var o = response.Outputs[i];
            if (encoding.IsBinary(o.Name))
            {
                (blobs ??= []).Add(o.Data);
                written[i] = new V2InferOutput(o.Name, o.DataType.ToProtocolName(), o.Shape, null, new V2OutputParameters(V2BinaryTensors.EncodedSize(o.Data)));
            }
            else
            {
                written[i] = new V2InferOutput(o.Name, o.DataType.ToProtocolName(), o.Shape, o.Data);
            }
        }

        var answer = new V2InferResponse(response.ModelName, V2Mapping.Text(response.ModelVersion), body.Id, written);
        return blobs is null
            ? TypedResults.Json(answer, V2JsonContext.Web.V2InferResponse)
            : new V2BinaryInferResult(answer, blobs);
    }
}
