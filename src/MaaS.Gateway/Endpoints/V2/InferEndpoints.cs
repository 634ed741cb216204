using MaaS.Models.Inference;
using MaaS.Models.SharedMemory;
using MaaS.Models.Tracing;

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
        "An output with parameters {\"classification\": N} comes back as its N highest classes per row, a BYTES tensor [rows, N] of " +
        "\"value:index:label\" (Triton's classification extension; the label from model.json when it has one per class). " +
        "null is never a value: leave optional members out. Non-finite FP16/FP32/FP64 outputs are written in JSON as the bare tokens NaN, Infinity, " +
        "-Infinity, as Triton writes them (ask for binary to read them with a strict JSON parser). " +
        "Errors are {\"error\": \"...\"}: 400 invalid input (including binary sizes that do not match the shapes or the body, inputs that disagree on " +
        "a dimension they share, and inputs the runtime refuses), 404 unknown model, " +
        "413 body over the limit, 429 queue full (Retry-After), 503 not ready, 504 timeout.";

    public static RouteGroupBuilder MapInferV2(this RouteGroupBuilder v2)
    {
        var models = v2.MapGroup("/models").RequireAuthorization(MaaSPolicies.App);
        models.MapPost("/{name}/infer", (string name, Body<V2InferHttpBody> body, IModelInference inference, SharedMemoryRegistry sharedMemory, InferenceLogContext log, InferenceTracing tracing, HttpContext http) =>
                InferAsync(name, null, body, inference, sharedMemory, log, tracing, http))
            .RequireAdmission()
            .OnInferenceHotPath()
            .WithName("V2Infer")
            .WithRequestExample("""{"id":"req-1","inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]}]}""")
            .WithSummary("Runs inference on the model's default version.")
            .WithDescription(Description);
        models.MapPost("/{name}/versions/{version}/infer", InferAsync)
            .RequireAdmission()
            .OnInferenceHotPath()
            .WithName("V2InferVersion")
            .WithRequestExample("""{"id":"req-2","inputs":[{"name":"input","shape":[2,8],"datatype":"FP32","data":[[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8],[1,1,1,1,0,0,0,0]]}],"outputs":[{"name":"probabilities"}]}""")
            .WithSummary("Runs inference on one model version.")
            .WithDescription(Description);
        return v2;
    }

    private static async Task<Results<V2Json<V2InferResponse>, V2BinaryInferResult, V2Error<InferenceErrors>>> InferAsync(
        string name, string? version, Body<V2InferHttpBody> body, IModelInference inference, SharedMemoryRegistry sharedMemory,
        InferenceLogContext log, InferenceTracing tracing, HttpContext http)
    {
        if (!V2Mapping.ParseVersion(version).TryGetValue(out long? versionNumber, out var error) || !body.Result.TryGetValue(out var read, out error))
        {
            return new V2Error<InferenceErrors>(error);
        }

        // Holds the regions a call names until its answer is written (an unregister meanwhile waits for the unmap).
        using var shared = sharedMemory.Enabled && V2InferCall.NamesSharedMemory(read.Value.Request) ? new SharedMemoryCall(sharedMemory, http.GetTenant(), name) : null;
        if (!V2InferCall.Decode(read.Value, shared).TryGetValue(out var call, out error))
        {
            return new V2Error<InferenceErrors>(error);
        }

        var request = call.Request;
        var trace = tracing.StartHttp(name, read.ReadStart, read.ReadEnd);
        if (trace is not null)
        {
            request = request with { Trace = trace };
            http.Response.OnCompleted(TransportTrace.Completed, trace);
        }

        var result = await inference.InferAsync(name, versionNumber, request, http.RequestAborted);
        trace.Sending();
        if (!result.TryGetValue(out var response, out error))
        {
            log.Failed(name, error.Code);
            return new V2Error<InferenceErrors>(error);
        }

        log.Served(name, response);
        if (!call.Encode(response, out var blobs).TryGetValue(out var answer, out error))
        {
            return new V2Error<InferenceErrors>(error);
        }

        return blobs is null ? V2Json.Ok(answer, V2JsonContext.Web.V2InferResponse) : new V2BinaryInferResult(answer, blobs);
    }
}
