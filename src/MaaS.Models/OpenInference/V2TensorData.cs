namespace MaaS.Models.OpenInference;

/// <summary>
/// An input's <c>data</c> member as the parser met it: its JSON kind (<see cref="JsonValueKind.Undefined"/> when
/// absent) and either its elements, decoded while parsing when the input's name, datatype and shape came before it (the
/// order every client writes), or the raw element, decoded by <see cref="V2TensorCodec"/> once the rest is known.
/// </summary>
internal readonly record struct V2TensorData
{
    /// <summary>The JSON kind of <c>data</c>: Array, Null, another kind (refused), or Undefined when absent.</summary>
    public JsonValueKind ValueKind { get; init; }

    /// <summary>The elements, when decoded while parsing; else null.</summary>
    public V2DecodedElements? Decoded { get; init; }

    /// <summary>The raw <c>data</c>, when it came before what decoding it needs; else undefined.</summary>
    public JsonElement Element { get; init; }
}

/// <summary>A JSON <c>data</c> array read into a typed buffer, or the first element that did not fit.</summary>
/// <param name="Name">The input name the elements were read for (messages name it).</param>
/// <param name="Type">The datatype they were read as.</param>
/// <param name="Expected">The element count the shape declared (the buffer's length).</param>
/// <param name="Data">The typed buffer; complete only when <see cref="Found"/> equals <see cref="Expected"/> without error.</param>
/// <param name="Found">Elements met (counted past <see cref="Expected"/> so a message can say how many there were).</param>
/// <param name="Error">Why an element or the nesting was refused; null when none was.</param>
internal sealed record V2DecodedElements(string Name, TensorDataType Type, int Expected, Array Data, long Found, string? Error);
