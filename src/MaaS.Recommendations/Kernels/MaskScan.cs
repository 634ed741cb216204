namespace MaaS.Recommendations.Kernels;

/// <summary>
/// A scan that compares every float with one argument and hands each step's lane mask to a sink: the shape of the
/// count, find-first and compaction kernels. A vector with no matching lane costs one compare.
/// </summary>
internal readonly struct MaskScan<TPredicate, TSink> : IVectorOperator<MaskScanState>
    where TPredicate : ILanePredicate
    where TSink : IMaskSink
{
    public static int StepAt128 => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Invoke(ref MaskScanState state, int i, float arg) =>
        TSink.Take(ref state, i, TPredicate.Invoke(Unsafe.Add(ref state.Source, i), arg) ? 1UL : 0UL, 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Invoke(ref MaskScanState state, int i, Vector128<float> arg) =>
        TSink.Take(ref state, i, TPredicate.Invoke(Vector128.LoadUnsafe(ref state.Source, (nuint)i), arg).ExtractMostSignificantBits(), Vector128<float>.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Invoke(ref MaskScanState state, int i, Vector256<float> arg) =>
        TSink.Take(ref state, i, TPredicate.Invoke(Vector256.LoadUnsafe(ref state.Source, (nuint)i), arg).ExtractMostSignificantBits(), Vector256<float>.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Invoke(ref MaskScanState state, int i, Vector512<float> arg) =>
        TSink.Take(ref state, i, TPredicate.Invoke(Vector512.LoadUnsafe(ref state.Source, (nuint)i), arg).ExtractMostSignificantBits(), Vector512<float>.Count);
}

/// <summary>What a <see cref="MaskScan{TPredicate, TSink}"/> reads, where compactions write, and the running result.</summary>
internal ref struct MaskScanState
{
    public ref float Source;
    public ref int Positions;
    public ref float Kept;
    public int Result;

    public MaskScanState(ReadOnlySpan<float> source, int initialResult)
    {
        Source = ref MemoryMarshal.GetReference(source);
        Result = initialResult;
    }

    public MaskScanState(ReadOnlySpan<float> source, Span<int> positions, Span<float> kept)
    {
        Source = ref MemoryMarshal.GetReference(source);
        Positions = ref MemoryMarshal.GetReference(positions);
        Kept = ref MemoryMarshal.GetReference(kept);
    }

    /// <summary>Appends (position, value) of each lane set in <paramref name="mask"/>, lowest lane first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Emit(int baseIndex, ulong mask)
    {
        while (mask != 0)
        {
            int at = baseIndex + BitOperations.TrailingZeroCount(mask);
            Unsafe.Add(ref Positions, Result) = at;
            Unsafe.Add(ref Kept, Result) = Unsafe.Add(ref Source, at);
            Result++;
            mask &= mask - 1;
        }
    }
}

/// <summary>A lane-wise float comparison with a broadcast argument; the vector forms return all-ones lanes for true.</summary>
internal interface ILanePredicate
{
    static abstract bool Invoke(float x, float arg);

    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> arg);

    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> arg);

    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> arg);
}

/// <summary>Acts on the lanes of one step that matched.</summary>
internal interface IMaskSink
{
    /// <summary>
    /// <paramref name="mask"/> has bit k set when element <c>baseIndex + k</c> matched; the step covered
    /// <paramref name="lanes"/> elements (1 in the scalar tail). Returns false to stop the scan.
    /// </summary>
    static abstract bool Take(ref MaskScanState state, int baseIndex, ulong mask, int lanes);
}

/// <summary><c>x &gt; arg</c>; NaN on either side is false.</summary>
internal readonly struct GreaterThan : ILanePredicate
{
    public static bool Invoke(float x, float arg) => x > arg;

    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> arg) => Vector128.GreaterThan(x, arg);

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> arg) => Vector256.GreaterThan(x, arg);

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> arg) => Vector512.GreaterThan(x, arg);
}
