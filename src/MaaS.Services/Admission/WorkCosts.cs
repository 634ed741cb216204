using System.Runtime.InteropServices;
using MaaS.Models.Inference;
using MaaS.Services.Recommendations;

namespace MaaS.Services.Admission;

/// <summary>A parsed request body that knows the work it asks for, in work units (<see cref="WorkCosts"/>).</summary>
internal interface IWorkCost
{
    /// <summary>Work units, at least 1.</summary>
    long WorkCost { get; }
}

/// <summary>
/// What requests cost, in work units: about one short text's inference each. The rules read only what the body
/// declares, so they are cheap, and they are bounded by what the body can hold, so a request that lies about its size
/// (a huge declared shape, say) cannot put its tenant into a debt it never caused.
/// </summary>
internal static class WorkCosts
{
    /// <summary>Characters of text per unit, on top of one unit per text.</summary>
    public const int CharactersPerUnit = 1_000;

    /// <summary>Tensor elements per unit, on top of one unit per row.</summary>
    public const int ElementsPerUnit = 1_000;

    /// <summary>Events, catalogue items or recommended items per unit, on top of one unit per request.</summary>
    public const int RecordsPerUnit = 10;

    /// <summary>One unit per text plus one per <see cref="CharactersPerUnit"/> characters of all of them.</summary>
    public static long Texts(IReadOnlyList<string?>? texts)
    {
        long characters = 0;
        foreach (string? text in texts ?? [])
        {
            characters += text?.Length ?? 0;
        }

        return Texts(texts?.Count ?? 0, characters);
    }

    /// <summary>One unit per text plus one per <see cref="CharactersPerUnit"/> characters.</summary>
    public static long Texts(long count, long characters) => Math.Max(1, count + Ceiling(characters, CharactersPerUnit));

    /// <summary>
    /// One unit per row (the largest first dimension of the inputs) plus one per <see cref="ElementsPerUnit"/> elements
    /// the shapes declare (however they came: a <c>/v2</c> body's, a gRPC message's); both at most
    /// <paramref name="bodyBytes"/>, since every element takes at least one byte of body. A null shape costs nothing.
    /// </summary>
    /// <remarks>
    /// Takes the inputs and how to read an input's shape rather than a sequence of shapes: it runs on every costed
    /// inference, and a LINQ projection (or a gRPC shape copied into an array) allocated per request.
    /// </remarks>
    public static long Tensors<TInput>(IReadOnlyList<TInput>? inputs, Func<TInput, IReadOnlyList<long>?> shapeOf, long bodyBytes)
    {
        long rows = 1, elements = 0;
        for (int i = 0; i < (inputs?.Count ?? 0); i++)
        {
            if (shapeOf(inputs![i]) is not { } shape)
            {
                continue;
            }

            if (shape.Count > 0 && shape[0] > rows)
            {
                rows = shape[0];
            }

            long count = Product(shape);
            elements = count < 0 || elements > long.MaxValue - count ? long.MaxValue : elements + count;
        }

        long bound = Math.Max(1, bodyBytes);
        return Math.Min(rows, bound) + Ceiling(Math.Min(elements, bound), ElementsPerUnit);
    }

    // ShapeMath.Product's rule (-1 for a negative dimension, long.MaxValue on overflow) over any list of dimensions: a
    // gRPC shape is copied to the stack first (shapes have a few dimensions).
    private static long Product(IReadOnlyList<long> shape)
    {
        if (shape is long[] array)
        {
            return ShapeMath.Product(array);
        }

        Span<long> dimensions = shape.Count <= 16 ? stackalloc long[shape.Count] : new long[shape.Count];
        for (int d = 0; d < dimensions.Length; d++)
        {
            dimensions[d] = shape[d];
        }

        return ShapeMath.Product(dimensions);
    }

    /// <summary>Units per word piece a transformer encodes (about 4 characters), on top of as many per text.</summary>
    public const int UnitsPerWordPiece = 10;

    /// <summary>
    /// A sentence-embedding request (OpenAI's <c>input</c>: a string or an array of them): a transformer costs far more
    /// per character than the linear text models, so <see cref="UnitsPerWordPiece"/> per estimated word piece (4
    /// characters, at most the model's 256 per text, past which it cuts) plus as many per text. The raw JSON is measured,
    /// so nothing is decoded twice; anything but strings costs one text (the handler refuses it).
    /// </summary>
    public static long Embeddings(JsonElement input)
    {
        const int charactersPerPiece = 4, maxPieces = 256;
        long units = 0;
        foreach (var text in input.ValueKind == JsonValueKind.Array ? input.EnumerateArray() : EnumerateOne(input))
        {
            long characters = text.ValueKind == JsonValueKind.String ? JsonMarshal.GetRawUtf8Value(text).Length : 0;
            units += UnitsPerWordPiece * (1 + Math.Min(maxPieces, Ceiling(characters, charactersPerPiece)));
        }

        return Math.Max(1, units);
    }

    /// <summary>One unit plus one per <see cref="RecordsPerUnit"/> items asked for (the default count when absent).</summary>
    public static long Recommend(int? count) => 1 + Ceiling(Math.Max(0, count ?? RecommendationLimits.DefaultCount), RecordsPerUnit);

    /// <summary>One unit plus one per <see cref="RecordsPerUnit"/> events or catalogue items.</summary>
    public static long Records(int count) => 1 + Ceiling(count, RecordsPerUnit);

    /// <summary>
    /// A recommendation service request: its page (a bias report: one page per user; a page of rows: each row as the
    /// recommend of its items), or its events or items; any
    /// other request, or none, the minimum.
    /// </summary>
    public static long Request(object? request) => request switch
    {
        RecommendRequest recommend => Recommend(recommend.Count),
        RecommendRowsRequest page => page.Rows?.Sum(r => Recommend((r?.Count ?? RecommendationLimits.DefaultCount) * Math.Clamp(r?.Anchors ?? 1, 1, RecommendationLimits.MaxAnchors))) ?? 1,
        BiasReportRequest report => Recommend(report.Count) * Math.Max(1, report.UserIds?.Count ?? 0),
        EventBatchRequest events => Records(events.Events?.Count ?? 0),
        ItemBatchRequest items => Records(items.Items?.Count ?? 0),
        _ => 1,
    };

    private static IEnumerable<JsonElement> EnumerateOne(JsonElement input)
    {
        yield return input;
    }

    private static long Ceiling(long value, long per) => (value / per) + (value % per == 0 ? 0 : 1);
}
