namespace MaaS.Agents.Features;

/// <summary>
/// The feature maps of the linear models: a shared model scores ([1, x] ⊗ [1, a]) so that one weight vector covers
/// the context alone, the action alone and every context × action product; a disjoint model scores [1, x] per action.
/// </summary>
public static class Interactions
{
    /// <summary>Writes vec([1, context] ⊗ [1, action]) into <paramref name="destination"/> (length (c+1)(a+1)).</summary>
    public static void Shared(ReadOnlySpan<double> context, ReadOnlySpan<double> action, Span<double> destination)
    {
        int width = action.Length + 1;
        if (destination.Length != (context.Length + 1) * width)
        {
            throw new ArgumentException($"Destination needs {(context.Length + 1) * width} values, has {destination.Length}.", nameof(destination));
        }
        destination[0] = 1;
        action.CopyTo(destination[1..width]);
        for (int i = 0; i < context.Length; i++)
        {
            Span<double> row = destination.Slice((i + 1) * width, width);
            row[0] = context[i];
            TensorPrimitives.Multiply(action, context[i], row[1..]);
        }
    }

    /// <summary>Writes [1, context] into <paramref name="destination"/> (length c+1).</summary>
    public static void WithBias(ReadOnlySpan<double> context, Span<double> destination)
    {
        destination[0] = 1;
        context.CopyTo(destination[1..]);
    }
}
