namespace MaaS.Models.Authoring;

/// <summary>A node attribute. Create with the static factories; the kind decides which payload is written.</summary>
public sealed record OnnxAttribute
{
    private OnnxAttribute(string name, OnnxAttributeKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Kind = kind;
    }

    /// <summary>Attribute name as the operator's schema spells it.</summary>
    public string Name { get; }

    internal OnnxAttributeKind Kind { get; }
    internal float FloatValue { get; private init; }
    internal long IntValue { get; private init; }
    internal string? StringValue { get; private init; }
    internal float[]? FloatValues { get; private init; }
    internal long[]? IntValues { get; private init; }
    internal string[]? StringValues { get; private init; }
    internal OnnxTensor? TensorValue { get; private init; }

    /// <summary>A single float.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeKind.Float) { FloatValue = value };

    /// <summary>A single 64-bit integer.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeKind.Int) { IntValue = value };

    /// <summary>A UTF-8 string.</summary>
    public static OnnxAttribute String(string name, string value) => new(name, OnnxAttributeKind.String) { StringValue = value };

    /// <summary>A list of floats.</summary>
    public static OnnxAttribute Floats(string name, params float[] values) => new(name, OnnxAttributeKind.Floats) { FloatValues = values };

    /// <summary>A list of 64-bit integers.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxAttributeKind.Ints) { IntValues = values };

    /// <summary>A list of UTF-8 strings (for example the <c>nodes_modes</c> of ONNX-ML tree ensembles).</summary>
    public static OnnxAttribute Strings(string name, params string[] values) => new(name, OnnxAttributeKind.Strings) { StringValues = values };

    /// <summary>A constant tensor (for example the <c>value</c> of a <c>Constant</c> node).</summary>
    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new(name, OnnxAttributeKind.Tensor) { TensorValue = value };
}

/// <summary>Attribute kinds, numbered as <c>AttributeProto.AttributeType</c> in onnx.proto.</summary>
internal enum OnnxAttributeKind
{
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Floats = 6,
    Ints = 7,
    Strings = 8,
}
