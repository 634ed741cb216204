namespace MaaS.Models.OpenInference;

/// <summary>An infer request body: the JSON request and, with the binary tensor data extension, the bytes after it.</summary>
/// <param name="Request">The parsed JSON part.</param>
/// <param name="Binary">The binary part (empty when there is none).</param>
/// <param name="HasBinaryPart">Whether the request said where its JSON ends (<c>Inference-Header-Content-Length</c>).</param>
internal readonly record struct V2InferBody(V2InferRequest Request, ReadOnlyMemory<byte> Binary, bool HasBinaryPart)
{
    /// <summary>Request and response header: bytes of JSON at the start of the body; the rest is binary tensor data.</summary>
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    /// <summary>What a null body means: a request without inputs, which the handler refuses by name. Never mutated.</summary>
    public static readonly V2InferRequest NoInputs = new();

    /// <summary>A body that is all JSON.</summary>
    public static V2InferBody Json(V2InferRequest request) => new(request, ReadOnlyMemory<byte>.Empty, false);

    /// <summary>A body whose first bytes were the JSON <paramref name="request"/> and whose rest is <paramref name="binary"/>.</summary>
    public static V2InferBody WithBinary(V2InferRequest request, ReadOnlyMemory<byte> binary) => new(request, binary, true);

    /// <summary>
    /// The JSON length that <see cref="HeaderLengthHeader"/> declares: one non-negative integer. Repeated headers come as
    /// their comma-joined text, which is never a valid length.
    /// </summary>
    /// <param name="header">The header's value as sent.</param>
    public static Result<long> ParseJsonLength(string header) =>
        long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out long length)
            ? length
            : V2Mapping.Invalid($"the {HeaderLengthHeader} header must be one non-negative integer, not '{Clip(header)}'");

    /// <summary>The declared JSON length as an index into a body of <paramref name="bodyLength"/> bytes, or why it does not fit.</summary>
    public static Result<int> CheckJsonLength(long jsonLength, int bodyLength) =>
        jsonLength <= bodyLength
            ? (int)jsonLength
            : V2Mapping.Invalid($"the {HeaderLengthHeader} header says {jsonLength} bytes of JSON but the body has only {bodyLength} bytes");

    private static string Clip(string text) => text.Length <= 32 ? text : text[..32] + "...";
}
