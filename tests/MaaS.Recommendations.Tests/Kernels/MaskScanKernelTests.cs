using static MaaS.Recommendations.Tests.Kernels.KernelCases;

namespace MaaS.Recommendations.Tests.Kernels;

/// <summary>The compare-mask kernels at every path they have, against their scalar references.</summary>
public sealed class MaskScanKernelTests
{
    public static TheoryData<string> CountGreaterWidths => Widths(CountGreater.Paths);

    public static TheoryData<string> IndexOfFirstGreaterWidths => Widths(IndexOfFirstGreater.Paths);

    public static TheoryData<string> CompactAtLeastWidths => Widths(CompactAtLeast.Paths);

    public static TheoryData<string> CompactNonZeroWidths => Widths(CompactNonZero.Paths);

    [Theory]
    [MemberData(nameof(CountGreaterWidths))]
    public void CountGreater_EveryLengthAndThreshold_MatchesScalar(string path)
    {
        var width = Accelerated(path);
        foreach (int length in Lengths)
        {
            var values = Floats(new Random(length), length);
            foreach (float threshold in Thresholds)
            {
                Same(CountGreater.CountScalar(values, threshold), CountGreater.Count(values, threshold, width),
                    $"{width}, length {length}, threshold {threshold}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(IndexOfFirstGreaterWidths))]
    public void IndexOfFirstGreater_EveryLengthAndThreshold_MatchesScalar(string path)
    {
        var width = Accelerated(path);
        foreach (int length in Lengths)
        {
            var values = Floats(new Random(1000 + length), length);
            foreach (float threshold in Thresholds)
            {
                Same(IndexOfFirstGreater.FindScalar(values, threshold), IndexOfFirstGreater.Find(values, threshold, width),
                    $"{width}, length {length}, threshold {threshold}");
            }

            // Random inputs match early; a lone match at the start, middle or end makes the scan cross every step.
            var zeros = new float[length];
            int[] lone = length == 0 ? [] : [0, length / 2, length - 1];
            foreach (int at in lone)
            {
                zeros[at] = 1f;
                Same(at, IndexOfFirstGreater.Find(zeros, 0.5f, width), $"{width}, length {length}, lone match");
                zeros[at] = float.NaN;
                Same(-1, IndexOfFirstGreater.Find(zeros, 0.5f, width), $"{width}, length {length}, lone NaN");
                zeros[at] = 0f;
            }
        }
    }

    [Theory]
    [MemberData(nameof(CompactAtLeastWidths))]
    public void CompactAtLeast_EveryLengthAndThreshold_MatchesScalar(string path)
    {
        var width = Accelerated(path);
        foreach (int length in Lengths)
        {
            var values = Floats(new Random(2000 + length), length);
            foreach (float threshold in Thresholds)
            {
                string context = $"{width}, length {length}, threshold {threshold}";
                var expectedPositions = new int[length];
                var expectedKept = new float[length];
                int expected = CompactAtLeast.RunScalar(values, threshold, expectedPositions, expectedKept);
                var positions = WithCanary(length, -7);
                var kept = WithCanary(length, Canary);

                int count = CompactAtLeast.Run(values, threshold, positions.AsSpan(0, length), kept.AsSpan(0, length), width);

                Same(expected, count, context + ", count");
                SameBits<int>(expectedPositions.AsSpan(0, expected), positions.AsSpan(0, count), context + ", positions");
                SameBits<float>(expectedKept.AsSpan(0, expected), kept.AsSpan(0, count), context + ", kept");
                Assert.All(positions[count..], p => Assert.Equal(-7, p));
                Assert.All(kept[count..], k => Assert.Equal(Canary, k));
            }
        }
    }

    [Theory]
    [MemberData(nameof(CompactNonZeroWidths))]
    public void CompactNonZero_EveryLength_MatchesScalarAndLeavesZeros(string path)
    {
        var width = Accelerated(path);
        foreach (int length in Lengths)
        {
            string context = $"{width}, length {length}";
            var random = new Random(3000 + length);
            var input = Floats(random, length);
            for (int i = 0; i < length; i++)
            {
                // Mostly zeros of both signs, as a drained accumulator is.
                double u = random.NextDouble();
                input[i] = u < 0.5 ? 0f : u < 0.6 ? -0f : input[i];
            }

            var reference = (float[])input.Clone();
            var expectedIndices = new int[length];
            var expectedValues = new float[length];
            int expected = CompactNonZero.DrainScalar(reference, expectedIndices, expectedValues);
            var accumulator = WithCanary(length, Canary);
            input.CopyTo(accumulator, 0);
            var indices = WithCanary(length, -7);
            var values = WithCanary(length, Canary);

            int count = CompactNonZero.Drain(accumulator.AsSpan(0, length), indices.AsSpan(0, length), values.AsSpan(0, length), width);

            Same(expected, count, context + ", count");
            SameBits<int>(expectedIndices.AsSpan(0, expected), indices.AsSpan(0, count), context + ", indices");
            SameBits<float>(expectedValues.AsSpan(0, expected), values.AsSpan(0, count), context + ", values");
            Assert.All(indices[count..], p => Assert.Equal(-7, p));
            Assert.All(values[count..], v => Assert.Equal(Canary, v));
            Assert.Equal(Canary, accumulator[length]);
            for (int i = 0; i < length; i++)
            {
                // -0 is never emitted; a step's one clearing store may turn it into +0, which is as good a zero.
                bool zero = BitConverter.SingleToInt32Bits(accumulator[i]) == 0
                    || (BitConverter.SingleToInt32Bits(input[i]) == BitConverter.SingleToInt32Bits(-0f) && accumulator[i] == 0f);
                Assert.True(zero, $"{context}: accumulator[{i}] is {accumulator[i]} after the drain (was {input[i]}).");
            }
        }
    }
}
