using MaaS.Core;
using MaaS.Gateway.Errors;
using MaaS.Models.Inference;
using MaaS.Models.OpenInference;
using Microsoft.AspNetCore.Http.HttpResults;
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

    public static RouteGroupBuilder MapInferV2(this RouteGroupBuilder v2)
    {
        v2.MapPost("/models/{name}/infer", (string name, Body<V2InferHttpBody> body, IModelInference inference, IDiagnosticContext diagnostics, CancellationToken ct) =>
                InferAsync(name, null, body, inference, diagnostics, ct))
            .WithName("V2Infer")
            .WithSummary("Runs inference on the model's default version.")
            .WithDescription(Description);
        v2.MapPost("/models/{name}/versions/{version}/infer", InferAsync)
            .WithName("V2InferVersion")
            .WithSummary("Runs inference on one model version.")
            .WithDescription(Description);
        return v2;
    }

    private static async Task<Results<V2Json<V2InferResponse>, V2BinaryInferResult, V2Error<InferenceErrors>>> InferAsync(
        string name, string? version, Body<V2InferHttpBody> body, IModelInference inference, IDiagnosticContext diagnostics, CancellationToken cancellationToken)
    {
        if (!Decode(version, body.Result).TryGetValue(out var call, out var error))
        {
            return new V2Error<InferenceErrors>(error);
        }

        var result = await inference.InferAsync(name, call.Version, call.Request, cancellationToken);
        diagnostics.Set("Model", name);
        if (!result.TryGetValue(out var response, out error))
        {
            diagnostics.Set("InferenceFailure", error.Code);
            return new V2Error<InferenceErrors>(error);
        }

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
            if (call.Encoding.IsBinary(o.Name))
            {
                (blobs ??= []).Add(o.Data);
                written[i] = new V2InferOutput(o.Name, o.DataType.ToProtocolName(), o.Shape, null, new V2OutputParameters(V2BinaryTensors.EncodedSize(o.Data)));
            }
            else
            {
                written[i] = new V2InferOutput(o.Name, o.DataType.ToProtocolName(), o.Shape, o.Data);
            }
        }

        var answer = new V2InferResponse(response.ModelName, V2Mapping.Text(response.ModelVersion), call.Id, written);
        return blobs is null ? V2Json.Ok(answer, V2JsonContext.Web.V2InferResponse) : new V2BinaryInferResult(answer, blobs);
    }

    /// <summary>Everything the request asks for, or its first problem: the version, the body, the output encoding, the tensors.</summary>
    private static Result<InferCall> Decode(string? versionText, Result<V2InferHttpBody> read)
    {
        if (!V2Mapping.ParseVersion(versionText).TryGetValue(out long? version, out var error)
            || !read.TryGetValue(out var http, out error))
        {
            return error;
        }

        var body = http.Value;
        var request = body.Request;
        if (request.Inputs is not { Count: > 0 })
        {
            return V2Mapping.Invalid("the request needs at least one input");
        }

        if (!V2OutputEncoding.Parse(request).TryGetValue(out var encoding, out error)
            || !V2TensorCodec.DecodeAll(request.Inputs, body.Binary.Span, body.HasBinaryPart).TryGetValue(out var inputs, out error))
        {
            return error;
        }

        return new InferCall(version, new InferenceRequest(inputs, OutputNames(request.Outputs)), encoding, request.Id);
    }

    private static string[]? OutputNames(List<V2RequestedOutput>? outputs)
    {
        if (outputs is null)
        {
            return null;
        }

        var names = new string[outputs.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = outputs[i].Name;
        }

        return names;
    }

    /// <summary>A decoded infer request: what the model runs, and how its outputs are written back.</summary>
    private readonly record struct InferCall(long? Version, InferenceRequest Request, V2OutputEncoding Encoding, string? Id);
}
