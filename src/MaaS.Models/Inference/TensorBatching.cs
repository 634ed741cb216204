namespace MaaS.Models.Inference;

/// <summary>Concatenates requests along axis 0 and splits outputs back; the arithmetic of dynamic batching.</summary>
internal static class TensorBatching
{
    /// <summary>Concatenates input <paramref name="index"/> of every request along axis 0.</summary>
    public static InferTensor Concat(IReadOnlyList<ValidatedRequest> requests, int index, int totalRows)
    {
        var first = requests[0].Inputs[index];
        long perRow = first.Data.Length / Math.Max(1, first.Shape[0]);
        Array merged = first.DataType.NewArray(checked((int)(perRow * totalRows)));
        int offset = 0;
        foreach (var request in requests)
        {
            Array source = request.Inputs[index].Data;
            Array.Copy(source, 0, merged, offset, source.Length);
            offset += source.Length;
        }

        long[] shape = (long[])first.Shape.Clone();
        shape[0] = totalRows;
        return first with { Shape = shape, Data = merged };
    }

    /// <summary>Rows [<paramref name="rowOffset"/>, +<paramref name="rows"/>) of a batched output.</summary>
    public static InferTensor Slice(InferTensor output, int rowOffset, int rows, int totalRows)
    {
        if (output.Shape.Length == 0 || output.Shape[0] != totalRows)
        {
            throw new InvalidOperationException(
                $"Output '{output.Name}' has shape {ShapeMath.Format(output.Shape)}; a batching model must return {totalRows} rows on axis 0.");
        }

        int perRow = totalRows == 0 ? 0 : output.Data.Length / totalRows;
        Array slice = output.DataType.NewArray(perRow * rows);
        Array.Copy(output.Data, rowOffset * perRow, slice, 0, slice.Length);
        long[] shape = (long[])output.Shape.Clone();
        shape[0] = rows;
        return output with { Shape = shape, Data = slice };
    }
}
