using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;

namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>Builds and reads bodies of Triton's binary tensor data extension, independently of the gateway's code.</summary>
internal static class BinaryTensorClient
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    public static byte[] Body(string json, params byte[][] blobs) => [.. Encoding.UTF8.GetBytes(json), .. blobs.SelectMany(b => b)];

    public static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static byte[] Strings(params string[] values)
    {
        var bytes = new List<byte>();
        foreach (string s in values)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(s);
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)utf8.Length);
            bytes.AddRange(prefix);
            bytes.AddRange(utf8);
        }

        return [.. bytes];
    }

    /// <summary>Sends <paramref name="json"/> followed by <paramref name="blobs"/>, with the header length that marks where the JSON ends.</summary>
    public static Task<BinaryAnswer> SendWithBlobsAsync(GatewayHost host, string path, string json, params byte[][] blobs) =>
        SendAsync(host, path, Body(json, blobs), Encoding.UTF8.GetByteCount(json).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Sends <paramref name="body"/> with the header (when given) and no Content-Type unless one is named.</summary>
    public static async Task<BinaryAnswer> SendAsync(GatewayHost host, string path, byte[] body, string? headerLength, string? contentType = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        if (headerLength is not null)
        {
            request.Headers.TryAddWithoutValidation(HeaderLength, headerLength);
        }

        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        int jsonLength = bytes.Length;
        if (response.Headers.TryGetValues(HeaderLength, out var values))
        {
            jsonLength = int.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var json = JsonNode.Parse(bytes.AsSpan(0, jsonLength));
        return new BinaryAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.Contains(HeaderLength), json, bytes[jsonLength..]);
    }
}

/// <summary>A response split the way tritonclient.http splits it: JSON up to the header length, then the blobs.</summary>
internal sealed record BinaryAnswer(System.Net.HttpStatusCode Status, string? ContentType, bool HasHeaderLength, JsonNode? Json, byte[] Binary)
{
    /// <summary>An output's bytes: offsets are the sum of the binary_data_size of the binary outputs before it, in JSON order.</summary>
    public byte[]? Blob(string name)
    {
        int offset = 0;
        foreach (var output in Json!["outputs"]!.AsArray())
        {
            int? size = output!["parameters"]?["binary_data_size"]?.GetValue<int>();
            if (output["name"]!.GetValue<string>() == name)
            {
                return size is int n ? Binary[offset..(offset + n)] : null;
            }

            offset += size ?? 0;
        }

        return null;
    }

    public float[] Floats(string name) => Blob(name) is { } blob
        ? MemoryMarshal.Cast<byte, float>(blob).ToArray()
        : V2Json.Floats(V2Json.Output(Json, name));
}
