using System.Diagnostics;

namespace MaaS.Recommendations.Kernels;

// Why this exists: every kernel used to carry its own Vector512 -> 256 -> 128 -> scalar ladder, so the width choice
// was written eight times and tests reached only the widest path the test machine had. Here, in the manner of
// TensorPrimitives' operators and Garnet's IBinaryOperator, a kernel supplies one static member per width and this
// driver alone picks the width, runs the loop and the scalar tail. A width can also be named explicitly, so tests run
// every path the hardware accelerates.

/// <summary>The lane width a kernel runs at. <see cref="Auto"/> lets <see cref="VectorDriver"/> pick.</summary>
internal enum VectorWidth
{
    Auto,
    Scalar,
    Bits128,
    Bits256,
    Bits512,
}

/// <summary>
/// One step of a kernel at each width. A step at index <c>i</c> covers <see cref="StepAt128"/> elements at 128 bits,
/// twice as many at 256 and four times at 512; the scalar member covers element <c>i</c> alone. Every member returns
/// false to stop the scan early. The driver broadcasts the kernel's one float argument to the width once per call.
/// </summary>
/// <typeparam name="TState">The kernel's spans (as refs or pinned pointers) and running result.</typeparam>
internal interface IVectorOperator<TState>
    where TState : allows ref struct
{
    static abstract int StepAt128 { get; }

    /// <summary>The operator implements every width from <see cref="Narrowest"/> to <see cref="Widest"/>, and scalar.</summary>
    static virtual VectorWidth Widest => VectorWidth.Bits512;

    static virtual VectorWidth Narrowest => VectorWidth.Bits128;

    static abstract bool Invoke(ref TState state, int i, float arg);

    static virtual bool Invoke(ref TState state, int i, Vector128<float> arg) => VectorDriver.Missing();

    static virtual bool Invoke(ref TState state, int i, Vector256<float> arg) => VectorDriver.Missing();

    static virtual bool Invoke(ref TState state, int i, Vector512<float> arg) => VectorDriver.Missing();
}

/// <summary>The one width choice and loop for all kernels; see the note at the top of this file.</summary>
internal static class VectorDriver
{
    /// <summary>Whether <paramref name="width"/> runs on vector hardware here (scalar always does).</summary>
    public static bool IsAccelerated(VectorWidth width) => width switch
    {
        VectorWidth.Scalar => true,
        VectorWidth.Bits128 => Vector128.IsHardwareAccelerated,
        VectorWidth.Bits256 => Vector256.IsHardwareAccelerated,
        VectorWidth.Bits512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>The paths <typeparamref name="TOperator"/> has, scalar first: what tests run.</summary>
    public static VectorWidth[] Paths<TOperator, TState>()
        where TOperator : IVectorOperator<TState>
        where TState : allows ref struct =>
        [VectorWidth.Scalar, .. Enum.GetValues<VectorWidth>().Where(Has<TOperator, TState>)];

    /// <summary>
    /// The widest accelerated width the operator has whose step still fits in <paramref name="length"/>: a span too
    /// short for 512 bits still gets 256 or 128 rather than the scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorWidth Pick<TOperator, TState>(int length)
        where TOperator : IVectorOperator<TState>
        where TState : allows ref struct
    {
        int step = TOperator.StepAt128;
        if (Has<TOperator, TState>(VectorWidth.Bits512) && Vector512.IsHardwareAccelerated && length >= 4 * step)
        {
            return VectorWidth.Bits512;
        }

        if (Has<TOperator, TState>(VectorWidth.Bits256) && Vector256.IsHardwareAccelerated && length >= 2 * step)
        {
            return VectorWidth.Bits256;
        }

        if (Has<TOperator, TState>(VectorWidth.Bits128) && Vector128.IsHardwareAccelerated && length >= step)
        {
            return VectorWidth.Bits128;
        }

        return VectorWidth.Scalar;
    }

    /// <summary>
    /// Runs the operator over elements <c>[0, length)</c>: whole steps at <paramref name="width"/> from index 0 up,
    /// then the rest one element at a time, so results follow index order at every width.
    /// </summary>
    /// <remarks>
    /// Inlined, so each kernel entry compiles to one method with its loops, as the hand-written kernels did (no call
    /// or state copy per invocation; top-k calls a kernel once per candidate). The entries are NoInlining in turn:
    /// inlined into a large caller, the state could be left out of registers.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TOperator, TState>(ref TState state, int length, float arg, VectorWidth width = VectorWidth.Auto)
        where TOperator : IVectorOperator<TState>
        where TState : allows ref struct
    {
        if (width == VectorWidth.Auto)
        {
            width = Pick<TOperator, TState>(length);
        }
        else if (width != VectorWidth.Scalar && !Has<TOperator, TState>(width))
        {
            ThrowNoPath(width);
        }

        // A local copy the JIT keeps in registers once the operator is inlined (the running count would otherwise
        // round-trip through memory every step); written back once.
        TState s = state;
        int i = 0;
        int step = TOperator.StepAt128;

        if (width == VectorWidth.Bits512)
        {
            var a512 = Vector512.Create(arg);
            for (; i <= length - (4 * step); i += 4 * step)
            {
                if (!TOperator.Invoke(ref s, i, a512))
                {
                    goto Done;
                }
            }
        }
        else if (width == VectorWidth.Bits256)
        {
            var a256 = Vector256.Create(arg);
            for (; i <= length - (2 * step); i += 2 * step)
            {
                if (!TOperator.Invoke(ref s, i, a256))
                {
                    goto Done;
                }
            }
        }
        else if (width == VectorWidth.Bits128)
        {
            var a128 = Vector128.Create(arg);
            for (; i <= length - step; i += step)
            {
                if (!TOperator.Invoke(ref s, i, a128))
                {
                    goto Done;
                }
            }
        }

        for (; i < length; i++)
        {
            if (!TOperator.Invoke(ref s, i, arg))
            {
                break;
            }
        }

    Done:
        state = s;
    }

    /// <summary>
    /// The body of a width an operator lacks, never reached (<see cref="Run"/> refuses such widths). A call rather than
    /// a throw in place, so the member inlines and does not keep the driver's state out of registers.
    /// </summary>
    internal static bool Missing() => throw new UnreachableException();

    private static void ThrowNoPath(VectorWidth width) =>
        throw new ArgumentOutOfRangeException(nameof(width), width, "The kernel has no path at this width.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Has<TOperator, TState>(VectorWidth width)
        where TOperator : IVectorOperator<TState>
        where TState : allows ref struct =>
        width >= TOperator.Narrowest && width <= TOperator.Widest;
}
