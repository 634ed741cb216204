namespace MaaS.Models.Onnx.Quantization;

/// <summary>A weight matrix quantised symmetrically to int8 per output channel.</summary>
/// <param name="Values">[K, N] row-major, each in -127..127 (zero point 0).</param>
/// <param name="Scales">[N]: column n of the float weights ≈ <c>Values[:, n] × Scales[n]</c>.</param>
internal sealed record Int8Weights(sbyte[] Values, float[] Scales)
{
    /// <summary>
    /// Quantises a [K, N] weight (or, with <paramref name="transposed"/>, its [N, K] transpose, as Gemm's transB holds
    /// it) into [K, N] int8 with one scale per output column, max |w| / 127. Symmetric with -127..127 (not -128), so
    /// the zero point is 0 and can be left out of MatMulInteger, and no product saturates on CPUs without VNNI's
    /// 32-bit accumulation paths.
    /// </summary>
    public static Int8Weights Quantize(ReadOnlySpan<float> weights, int k, int n, bool transposed)
    {
        var scales = new float[n];
        var values = new sbyte[k * n];
        if (transposed)
        {
            // Source row j is output channel j: one contiguous span per scale.
            for (int j = 0; j < n; j++)
            {
                var row = weights.Slice(j * k, k);
                float scale = Scale(MathF.Abs(TensorPrimitives.MaxMagnitude(row)));
                scales[j] = scale;
                for (int i = 0; i < k; i++)
                {
                    values[(i * n) + j] = ToInt8(row[i] / scale);
                }
            }
        }
        else
        {
            var magnitude = new float[n];
            var absolute = new float[n];
            for (int i = 0; i < k; i++)
            {
                TensorPrimitives.Abs(weights.Slice(i * n, n), absolute);
                TensorPrimitives.Max(magnitude, absolute, magnitude);
            }

            for (int j = 0; j < n; j++)
            {
                scales[j] = Scale(magnitude[j]);
            }

            var row = new float[n];
            for (int i = 0; i < k; i++)
            {
                TensorPrimitives.Divide(weights.Slice(i * n, n), scales, row);
                var target = values.AsSpan(i * n, n);
                for (int j = 0; j < n; j++)
                {
                    target[j] = ToInt8(row[j]);
                }
            }
        }

        return new Int8Weights(values, scales);
    }

    // An all-zero channel keeps scale 1 so no division by zero: its int8 values are all 0 whatever the scale.
    private static float Scale(float maxMagnitude) => maxMagnitude > 0 && float.IsFinite(maxMagnitude) ? maxMagnitude / 127f : 1f;

    private static sbyte ToInt8(float x) => (sbyte)Math.Clamp(MathF.Round(x, MidpointRounding.ToEven), -127f, 127f);
}
