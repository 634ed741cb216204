using System.Buffers;

namespace MaaS.Http.Answers;

/// <summary>
/// An infer response with binary outputs: the JSON (whose binary outputs carry <c>binary_data_size</c> and no data),
/// then each binary output's bytes in output order. <c>Inference-Header-Content-Length</c> says where the JSON ends.
/// </summary>
/// <param name="response">The JSON part.</param>
/// <param name="blobs">The flat arrays of the binary outputs, in the order they appear in <paramref name="response"/>.</param>
internal sealed class V2BinaryInferResult(V2InferResponse response, IReadOnlyList<Array> blobs) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(response, V2JsonContext.Web.V2InferResponse);
        long length = json.Length;
        foreach (var blob in blobs)
        {
            length += V2BinaryTensors.EncodedSize(blob);
        }

        var http = httpContext.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = "application/octet-stream";
        http.ContentLength = length;
        http.Headers[V2InferBody.HeaderLengthHeader] = json.Length.ToString(CultureInfo.InvariantCulture);
        var writer = http.BodyWriter;
        writer.Write(json);
        foreach (var blob in blobs)
        {
            V2BinaryTensors.Write(writer, blob);
            await writer.FlushAsync(httpContext.RequestAborted);
        }

        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
