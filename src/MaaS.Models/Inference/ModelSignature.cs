namespace MaaS.Models.Inference;

/// <summary>A declared model input or output.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DataType">Element type.</param>
/// <param name="Shape">Declared dimensions; <c>-1</c> is a dynamic (symbolic) dimension.</param>
public sealed record TensorSpec(string Name, TensorDataType DataType, long[] Shape);

/// <summary>Inclusive bounds an integer input's values must lie in (for example token ids fed to Gather).</summary>
/// <param name="Min">Smallest allowed value.</param>
/// <param name="Max">Largest allowed value.</param>
public readonly record struct ValueRange(long Min, long Max);

/// <summary>Inputs and outputs of a tensor model, as its runtime reports them.</summary>
/// <param name="Inputs">Declared inputs, in model order.</param>
/// <param name="Outputs">Declared outputs, in model order.</param>
/// <param name="InputRanges">Value bounds per integer input name, where the model declares them.</param>
public sealed record ModelSignature(
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    IReadOnlyDictionary<string, ValueRange> InputRanges)
{
    /// <summary>The input of that name, or null.</summary>
    public TensorSpec? FindInput(string name) => Inputs.FirstOrDefault(i => i.Name == name);

    /// <summary>The output of that name, or null.</summary>
    public TensorSpec? FindOutput(string name) => Outputs.FirstOrDefault(o => o.Name == name);
}
