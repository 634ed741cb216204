using System.Runtime.Intrinsics;

namespace MaaS.Recommendations.Tests.Kernels;

/// <summary>The width driver with a tracing operator: which width covered each element, in what order, and where it stopped.</summary>
public sealed class VectorDriverTests
{
    public static TheoryData<string> TraceWidths => KernelCases.Widths(VectorDriver.Paths<TraceOperator, Trace>());

    [Theory]
    [MemberData(nameof(TraceWidths))]
    public void Run_EveryLength_CoversEachElementOnceInOrderWithWholeStepsThenScalar(string path)
    {
        var width = KernelCases.Accelerated(path);
        foreach (int length in KernelCases.Lengths)
        {
            var seen = new VectorWidth[length + 1];
            var trace = new Trace(seen.AsSpan(0, length), stopAt: int.MaxValue);
            VectorDriver.Run<TraceOperator, Trace>(ref trace, length, 2.5f, width);

            VectorWidth used = width == VectorWidth.Auto ? VectorDriver.Pick<TraceOperator, Trace>(length) : width;
            int vectorPart = used == VectorWidth.Scalar ? 0 : length / Lanes(used) * Lanes(used);
            for (int i = 0; i < length; i++)
            {
                Assert.True(seen[i] == (i < vectorPart ? used : VectorWidth.Scalar), $"{width}, length {length}: element {i} ran at {seen[i]}.");
            }

            Assert.Equal(VectorWidth.Auto, seen[length]);
            Assert.Equal(length, trace.Next);
        }
    }

    [Theory]
    [MemberData(nameof(TraceWidths))]
    public void Run_OperatorStops_LaterElementsUntouchedAndStateWrittenBack(string path)
    {
        var width = KernelCases.Accelerated(path);
        var seen = new VectorWidth[100];
        var trace = new Trace(seen, stopAt: 37);
        VectorDriver.Run<TraceOperator, Trace>(ref trace, seen.Length, 2.5f, width);

        // The step holding element 37 is the last one run; its end is where the written-back state says it got to.
        Assert.InRange(trace.Next, 38, 38 + 15);
        Assert.All(seen[..trace.Next], w => Assert.NotEqual(VectorWidth.Auto, w));
        Assert.All(seen[trace.Next..], w => Assert.Equal(VectorWidth.Auto, w));
    }

    [Fact]
    public void Pick_EveryLength_WidestAcceleratedStepThatFits()
    {
        for (int length = 0; length <= 40; length++)
        {
            VectorWidth expected =
                Vector512.IsHardwareAccelerated && length >= 16 ? VectorWidth.Bits512
                : Vector256.IsHardwareAccelerated && length >= 8 ? VectorWidth.Bits256
                : Vector128.IsHardwareAccelerated && length >= 4 ? VectorWidth.Bits128
                : VectorWidth.Scalar;
            Assert.True(expected == VectorDriver.Pick<TraceOperator, Trace>(length), $"length {length}");
        }
    }

    [Fact]
    public void Pick_OperatorWith256Only_NeverPicksAnotherVectorWidth()
    {
        Assert.Equal([VectorWidth.Scalar, VectorWidth.Bits256], VectorDriver.Paths<Trace256Operator, Trace>());
        var expected = Vector256.IsHardwareAccelerated ? VectorWidth.Bits256 : VectorWidth.Scalar;
        Assert.Equal(expected, VectorDriver.Pick<Trace256Operator, Trace>(4096));
        Assert.Equal(VectorWidth.Scalar, VectorDriver.Pick<Trace256Operator, Trace>(7));
    }

    [Theory]
    [InlineData(nameof(VectorWidth.Bits128))]
    [InlineData(nameof(VectorWidth.Bits512))]
    public void Run_WidthTheOperatorLacks_Throws(string path)
    {
        var width = Enum.Parse<VectorWidth>(path);
        var seen = new VectorWidth[64];
        var trace = new Trace(seen, stopAt: int.MaxValue);
        try
        {
            VectorDriver.Run<Trace256Operator, Trace>(ref trace, seen.Length, 0f, width);
            Assert.Fail($"{width} ran on an operator that has only 256 bits.");
        }
        catch (ArgumentOutOfRangeException e)
        {
            Assert.Equal("width", e.ParamName);
        }

        Assert.All(seen, w => Assert.Equal(VectorWidth.Auto, w));
    }

    private static int Lanes(VectorWidth width) => width switch
    {
        VectorWidth.Bits128 => 4,
        VectorWidth.Bits256 => 8,
        VectorWidth.Bits512 => 16,
        _ => 1,
    };

    /// <summary>Marks each element with the width that covered it; <see cref="Next"/> must be where the step starts.</summary>
    private ref struct Trace(Span<VectorWidth> seen, int stopAt)
    {
        private readonly Span<VectorWidth> _seen = seen;
        private readonly int _stopAt = stopAt;

        public int Next { get; private set; }

        public bool Mark(int i, int lanes, VectorWidth width, float arg)
        {
            // Out of order, a repeated element or a lost argument would all show up here.
            Assert.Equal(Next, i);
            Assert.Equal(2.5f, arg);
            _seen.Slice(i, lanes).Fill(width);
            Next = i + lanes;
            return _stopAt >= Next;
        }
    }

    private readonly struct TraceOperator : IVectorOperator<Trace>
    {
        public static int StepAt128 => 4;

        public static bool Invoke(ref Trace state, int i, float arg) => state.Mark(i, 1, VectorWidth.Scalar, arg);

        public static bool Invoke(ref Trace state, int i, Vector128<float> arg) => state.Mark(i, 4, VectorWidth.Bits128, arg.GetElement(3));

        public static bool Invoke(ref Trace state, int i, Vector256<float> arg) => state.Mark(i, 8, VectorWidth.Bits256, arg.GetElement(7));

        public static bool Invoke(ref Trace state, int i, Vector512<float> arg) => state.Mark(i, 16, VectorWidth.Bits512, arg.GetElement(15));
    }

    private readonly struct Trace256Operator : IVectorOperator<Trace>
    {
        public static int StepAt128 => 4;

        public static VectorWidth Widest => VectorWidth.Bits256;

        public static VectorWidth Narrowest => VectorWidth.Bits256;

        public static bool Invoke(ref Trace state, int i, float arg) => state.Mark(i, 1, VectorWidth.Scalar, 2.5f);

        public static bool Invoke(ref Trace state, int i, Vector256<float> arg) => state.Mark(i, 8, VectorWidth.Bits256, 2.5f);
    }
}
