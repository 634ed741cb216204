namespace MaaS.Models.Inference;

/// <summary>
/// Triton's classification extension, for both protocols: an output requested with a class count (the output's
/// <c>classification</c> parameter) comes back as a BYTES tensor of its top classes, each
/// <c>"&lt;value&gt;:&lt;index&gt;[:&lt;label&gt;]"</c>, instead of its numbers. An output of rank 2 or more is a batch of
/// rows (its first dimension) and answers shape [rows, count]; rank 0 or 1 is one row and answers [count]. The count is
/// cut to the classes a row has. Classes rank by value, highest first, the lower index first among equals (Triton's
/// sort leaves ties in no set order). Values are written as Triton writes them: floating point with six decimals
/// (C++'s <c>std::to_string</c>), integers whole. Labels are the model's (model.json <c>labels</c>) when it has one per
/// class of the row. Stateless and thread-safe.
/// </summary>
public static class ClassificationOutputs
{
    /// <summary>The parameter of a requested output that asks for its classes.</summary>
    public const string Parameter = "classification";

    /// <summary>Whether an output of this datatype can be classified (numbers, not BOOL or BYTES, as in Triton).</summary>
    public static bool CanClassify(TensorDataType type) => type is not (TensorDataType.Bool or TensorDataType.Bytes);

    /// <summary>
    /// Adds <paramref name="output"/>'s class count to <paramref name="counts"/> (made on first use), or says why the
    /// parameter's value is not one (a whole number of at least 1; null: the protocol's value was not a whole number).
    /// Each protocol reads its own parameter; this is the rest.
    /// </summary>
    public static Error? Add(ref Dictionary<string, int>? counts, string output, long? count)
    {
        if (count is not (>= 1 and <= int.MaxValue))
        {
            return new Error(ErrorCode.InvalidRequest, $"output '{output}' has parameters.{Parameter} {count?.ToString(CultureInfo.InvariantCulture) ?? "that is not a whole number"}; a class count of at least 1 is expected");
        }

        (counts ??= new(StringComparer.Ordinal))[output] = (int)count.Value;
        return null;
    }

    /// <summary>The outputs with each one named in <paramref name="counts"/> replaced by its top classes.</summary>
    public static IReadOnlyList<InferTensor> Apply(IReadOnlyList<InferTensor> outputs, IReadOnlyDictionary<string, int> counts, IReadOnlyList<string> labels)
    {
        var answered = new InferTensor[outputs.Count];
        for (int i = 0; i < answered.Length; i++)
        {
            var output = outputs[i];
            answered[i] = counts.TryGetValue(output.Name, out int count) ? Classify(output, count, labels) : output;
        }

        return answered;
    }

    /// <summary>One output's top <paramref name="count"/> classes per row.</summary>
    public static InferTensor Classify(InferTensor output, int count, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool batched = output.Shape.Length >= 2;
        int rows = batched ? checked((int)output.Shape[0]) : 1;
        int classes = rows == 0 ? 0 : output.Data.Length / rows;
        int kept = Math.Min(count, classes);
        // By the declared datatype, not the array's runtime type: the runtime lets a byte[] pass as an sbyte[].
        var strings = output.DataType switch
        {
            TensorDataType.Fp32 => TopClasses((float[])output.Data, rows, classes, kept, labels, v => v.ToString("F6", CultureInfo.InvariantCulture)),
            TensorDataType.Fp64 => TopClasses((double[])output.Data, rows, classes, kept, labels, v => v.ToString("F6", CultureInfo.InvariantCulture)),
            TensorDataType.Fp16 => TopClasses((Half[])output.Data, rows, classes, kept, labels, v => ((float)v).ToString("F6", CultureInfo.InvariantCulture)),
            TensorDataType.Int32 => TopClasses((int[])output.Data, rows, classes, kept, labels, v => v.ToString(CultureInfo.InvariantCulture)),
            TensorDataType.Int64 => TopClasses((long[])output.Data, rows, classes, kept, labels, v => v.ToString(CultureInfo.InvariantCulture)),
            TensorDataType.Int8 => TopClasses((sbyte[])output.Data, rows, classes, kept, labels, v => v.ToString(CultureInfo.InvariantCulture)),
            TensorDataType.Uint8 => TopClasses((byte[])output.Data, rows, classes, kept, labels, v => v.ToString(CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"output '{output.Name}' is {output.DataType.ToProtocolName()}, which has no classes", nameof(output)),
        };
        return InferTensor.Bytes(output.Name, strings, batched ? [rows, kept] : [kept]);
    }

    private static string[] TopClasses<T>(T[] data, int rows, int classes, int kept, IReadOnlyList<string> labels, Func<T, string> format)
        where T : IComparable<T>
    {
        var strings = new string[rows * kept];
        var order = new int[classes];
        bool labelled = labels.Count == classes;
        for (int row = 0; row < rows; row++)
        {
            int offset = row * classes;
            for (int i = 0; i < classes; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (a, b) =>
            {
                int byValue = data[offset + b].CompareTo(data[offset + a]);
                return byValue != 0 ? byValue : a.CompareTo(b);
            });
            for (int k = 0; k < kept; k++)
            {
                int index = order[k];
                string text = format(data[offset + index]) + ":" + index.ToString(CultureInfo.InvariantCulture);
                strings[row * kept + k] = labelled ? text + ":" + labels[index] : text;
            }
        }

        return strings;
    }
}
