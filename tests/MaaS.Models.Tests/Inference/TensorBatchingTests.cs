namespace MaaS.Models.Tests.Inference;

public sealed class TensorBatchingTests
{
    [Fact]
    public void ConcatThenSlice_RoundTripsEachRequestsRows()
    {
        var requests = new[] { 1, 3, 2 }.Select((rows, r) => new ValidatedRequest(
            [InferTensor.Fp64("x", [.. Enumerable.Range(0, rows * 2).Select(i => r * 100.0 + i)], rows, 2)], ["x"], rows, "k")).ToList();

        var merged = TensorBatching.Concat(requests, 0, 6);

        Assert.Equal([6L, 2L], merged.Shape);
        int offset = 0;
        foreach (var request in requests)
        {
            var slice = TensorBatching.Slice(merged, offset, request.Rows, 6);
            Assert.Equal((double[])request.Inputs[0].Data, (double[])slice.Data);
            Assert.Equal(request.Inputs[0].Shape, slice.Shape);
            offset += request.Rows;
        }
    }

    [Fact]
    public void Slice_OutputWithoutBatchRows_Throws()
    {
        var output = InferTensor.Fp32("y", new float[3], 3);

        Assert.Throws<InvalidOperationException>(() => TensorBatching.Slice(output, 0, 1, 2));
    }
}
