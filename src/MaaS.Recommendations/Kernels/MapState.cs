namespace MaaS.Recommendations.Kernels;

/// <summary>State of an element-wise kernel, <c>destination[i] = f(source[i])</c>; refuses a destination shorter than the source.</summary>
internal ref struct MapState<TSource, TDestination>
{
    public ref TSource Source;
    public ref TDestination Destination;

    public MapState(ReadOnlySpan<TSource> source, Span<TDestination> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        Source = ref MemoryMarshal.GetReference(source);
        Destination = ref MemoryMarshal.GetReference(destination);
    }
}
