using System.Net.Http.Headers;

namespace MaaS.Gateway.FunctionalTests.OpenApi;

/// <summary>
/// One operation of the gateway's OpenAPI document, and the request its examples make: path and query parameters
/// from their examples, the body from the JSON example (or, for a multipart form, the text fields' examples and the
/// file the caller gives).
/// </summary>
internal sealed record DocumentedOperation(string Method, string Path, JsonObject Operation)
{
    public static IReadOnlyList<DocumentedOperation> All(JsonNode document) =>
    [
        .. document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(operation => new DocumentedOperation(operation.Key.ToUpperInvariant(), path.Key, operation.Value!.AsObject()))),
    ];

    /// <summary>Documented as needing a key: some requirement names a scheme (an empty one means anonymous).</summary>
    public bool RequiresKey => Operation["security"] is JsonArray requirements && requirements.Any(r => r is JsonObject { Count: > 0 });

    public IReadOnlyList<string> Statuses => [.. Operation["responses"]!.AsObject().Select(r => r.Key)];

    public bool IsMultipart => Operation["requestBody"]?["content"]?["multipart/form-data"] is not null;

    public override string ToString() => $"{Method} {Path}";

    /// <summary>The path with every parameter replaced by its example, and every query parameter's example appended.</summary>
    public string ExampleUri()
    {
        var path = new StringBuilder(Path);
        var query = new List<string>();
        foreach (var parameter in (Operation["parameters"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string name = parameter["name"]!.GetValue<string>();
            string value = parameter["example"]?.ToString() ?? throw new InvalidOperationException($"{this}: parameter '{name}' has no example");
            if (parameter["in"]!.GetValue<string>() == "path")
            {
                path.Replace("{" + name + "}", Uri.EscapeDataString(value));
            }
            else
            {
                query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
            }
        }

        return query.Count == 0 ? path.ToString() : $"{path}?{string.Join('&', query)}";
    }

    /// <summary>The example body, or null when the operation takes none; <paramref name="file"/> fills a form's file part.</summary>
    public HttpContent? ExampleBody(byte[] file)
    {
        var content = Operation["requestBody"]?["content"];
        if (content?["application/json"]?["example"] is { } json)
        {
            return new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (content?["multipart/form-data"]?["schema"]?["properties"] is JsonObject parts)
        {
            var form = new MultipartFormDataContent();
            foreach (var (name, schema) in parts)
            {
                if (schema?["format"]?.GetValue<string>() == "binary")
                {
                    var bytes = new ByteArrayContent(file);
                    bytes.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    form.Add(bytes, name, "model.onnx");
                }
                else
                {
                    form.Add(new StringContent(schema?["example"]?.GetValue<string>() ?? throw new InvalidOperationException($"{this}: form field '{name}' has no example")), name);
                }
            }

            return form;
        }

        return content is null ? null : throw new InvalidOperationException($"{this}: the request body has no example");
    }

    public HttpRequestMessage ExampleRequest(string? key, byte[] file)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), ExampleUri()) { Content = ExampleBody(file) };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }
}
