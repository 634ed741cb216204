namespace MaaS.Models.Inference;

/// <summary>A declared model input or output.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DataType">Element type.</param>
/// <param name="Shape">Declared dimensions; <c>-1</c> is a dynamic (symbolic) dimension.</param>
/// <param name="DimensionNames">
/// The symbolic name of each dimension (ONNX <c>dim_param</c>), empty or null where it has none; null when the runtime
/// reports no names. Inputs that share a name must agree on its size.
/// </param>
/// <param name="Optional">
/// An input a request may leave out (Triton's <c>optional</c>): a model that takes text or token ids declares both.
/// Requests that give different sets of inputs are never merged into one batch.
/// </param>
public sealed record TensorSpec(string Name, TensorDataType DataType, long[] Shape, string?[]? DimensionNames = null, bool Optional = false);

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

    /// <summary>
    /// Input dimensions that must be equal because they carry the same symbolic name, two or more per group; computed
    /// once. A name that a single input uses for several of its own axes is a writer's placeholder for "dynamic" (the
    /// MaaS graph builder names every dynamic axis <c>N</c>), not a promise that those axes are equal: such a name only
    /// binds the same axis across inputs.
    /// </summary>
    internal IReadOnlyList<SharedDimension> SharedDimensions => field ??= SharedDimension.Find(Inputs);

    /// <summary>The outputs' names in model order, computed once: what a request that names no outputs gets. Shared; never modify it.</summary>
    internal string[] OutputNames => field ??= [.. Outputs.Select(o => o.Name)];

    /// <summary>The batch key a request last had (<see cref="InputValidator"/>), which the next with the same shapes reuses.</summary>
    internal string? LastBatchKey { get; set; }
}

/// <summary>Input axes that carry one symbolic dimension, so must have one size.</summary>
/// <param name="Name">The symbolic name.</param>
/// <param name="Axes">Each (input index in <see cref="ModelSignature.Inputs"/>, axis); at least two.</param>
internal sealed record SharedDimension(string Name, IReadOnlyList<(int Input, int Axis)> Axes)
{
    internal static SharedDimension[] Find(IReadOnlyList<TensorSpec> inputs)
    {
        var placeholders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string? name in input.DimensionNames ?? [])
            {
                if (!string.IsNullOrEmpty(name) && !seen.Add(name))
                {
                    placeholders.Add(name);
                }
            }
        }

        var groups = new Dictionary<(string Name, int Axis), List<(int, int)>>();
        for (int i = 0; i < inputs.Count; i++)
        {
            var names = inputs[i].DimensionNames ?? [];
            for (int axis = 0; axis < names.Length && axis < inputs[i].Shape.Length; axis++)
            {
                if (string.IsNullOrEmpty(names[axis]) || inputs[i].Shape[axis] >= 0)
                {
                    continue;
                }

                var key = (names[axis]!, placeholders.Contains(names[axis]!) ? axis : -1);
                if (!groups.TryGetValue(key, out var axes))
                {
                    groups[key] = axes = [];
                }

                axes.Add((i, axis));
            }
        }

        return [.. groups.Where(g => g.Value.Count > 1).Select(g => new SharedDimension(g.Key.Name, g.Value))];
    }
}
