namespace MaaS.Recommendations.Ranking;

/// <summary>How neighbour weights are stored.</summary>
public enum WeightPrecision : byte
{
    /// <summary>4 bytes per weight, exact.</summary>
    Float32 = 0,

    /// <summary>2 bytes per weight (IEEE half).</summary>
    Float16 = 1,

    /// <summary>1 byte per weight with one float scale per item row (symmetric, max |w| maps to 127).</summary>
    Int8 = 2,
}

/// <summary>Neighbour weights in one of three encodings, aligned with the neighbour CSR.</summary>
internal sealed class NeighbourWeights
{
    private NeighbourWeights(WeightPrecision precision, float[]? f32, Half[]? f16, sbyte[]? i8, float[]? rowScales)
    {
        Precision = precision;
        F32 = f32;
        F16 = f16;
        I8 = i8;
        RowScales = rowScales;
    }

    public WeightPrecision Precision { get; }

    public float[]? F32 { get; }

    public Half[]? F16 { get; }

    public sbyte[]? I8 { get; }

    public float[]? RowScales { get; }

    public long SizeInBytes => (F32?.LongLength * 4 ?? 0) + (F16?.LongLength * 2 ?? 0) + (I8?.LongLength ?? 0) + (RowScales?.LongLength * 4 ?? 0);

    public static NeighbourWeights FromRaw(WeightPrecision precision, float[]? f32, Half[]? f16, sbyte[]? i8, float[]? rowScales) =>
        new(precision, f32, f16, i8, rowScales);

    public static NeighbourWeights Encode(float[] weights, int[] offsets, WeightPrecision precision)
    {
        switch (precision)
        {
            case WeightPrecision.Float32:
                return new(precision, weights, null, null, null);
            case WeightPrecision.Float16:
                var half = new Half[weights.Length];
                TensorPrimitives.ConvertToHalf(weights, half);
                return new(precision, null, half, null, null);
            default:
                var q = new sbyte[weights.Length];
                var scales = new float[offsets.Length - 1];
                for (int i = 0; i < scales.Length; i++)
                {
                    var row = weights.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);
                    float max = row.IsEmpty ? 0f : MathF.Abs(TensorPrimitives.MaxMagnitude(row));
                    scales[i] = max > 0f ? max / 127f : 0f;
                    QuantizeInt8.Run(row, max > 0f ? 127f / max : 0f, q.AsSpan(offsets[i], row.Length));
                }

                return new(precision, null, null, q, scales);
        }
    }

    /// <summary>Decodes a row [start, start+length) of item <paramref name="item"/> into <paramref name="destination"/>.</summary>
    public void Decode(int item, int start, int length, Span<float> destination)
    {
        switch (Precision)
        {
            case WeightPrecision.Float32:
                F32.AsSpan(start, length).CopyTo(destination);
                break;
            case WeightPrecision.Float16:
                TensorPrimitives.ConvertToSingle(F16.AsSpan(start, length), destination);
                break;
            default:
                DequantizeInt8.Run(I8.AsSpan(start, length), RowScales![item], destination);
                break;
        }
    }

    /// <summary>One decoded weight.</summary>
    public float At(int item, int position) => Precision switch
    {
        WeightPrecision.Float32 => F32![position],
        WeightPrecision.Float16 => (float)F16![position],
        _ => I8![position] * RowScales![item],
    };
}
