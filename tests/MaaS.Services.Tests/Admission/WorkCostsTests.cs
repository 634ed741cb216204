using MaaS.Services.Admission;

namespace MaaS.Services.Tests.Admission;

/// <summary>What a tensor request costs, read from its inputs' shapes whatever list type holds them (a /v2 body's arrays, a gRPC message's repeated fields).</summary>
public sealed class WorkCostsTests
{
    [Fact]
    public void Tensors_ArrayAndListShapes_RowsPlusElementUnits()
    {
        long[][] shapes = [[4, 8], [4, 300, 2]];

        long fromArrays = WorkCosts.Tensors(shapes, static shape => shape, bodyBytes: 100_000);
        long fromLists = WorkCosts.Tensors(shapes, static shape => new List<long>(shape), bodyBytes: 100_000);

        // 4 rows, 32 + 2,400 elements: 4 + ceil(2,432 / 1,000).
        Assert.Equal(4 + 3, fromArrays);
        Assert.Equal(fromArrays, fromLists);
    }

    [Fact]
    public void Tensors_NoInputsOrNullShapes_OneRowAndNothingMore()
    {
        long[]?[] shapes = [null, [2, 2]];

        Assert.Equal(1, WorkCosts.Tensors<long[]?>(null, static shape => shape, bodyBytes: 100));
        Assert.Equal(1, WorkCosts.Tensors(Array.Empty<long[]?>(), static shape => shape, bodyBytes: 100));
        Assert.Equal(2 + 1, WorkCosts.Tensors(shapes, static shape => shape, bodyBytes: 100));
    }

    [Theory]
    [InlineData(new long[] { 1_000_000, 1_000_000, 1_000_000, 1_000_000 }, 5_000, 5_000 + 5)]
    [InlineData(new long[] { -1, 8 }, 500, 1 + 1)]
    public void Tensors_OverflowingOrNegativeShape_BoundedByTheBody(long[] shape, long bodyBytes, long expected)
    {
        long[][] shapes = [shape];

        Assert.Equal(expected, WorkCosts.Tensors(shapes, static s => s, bodyBytes));
        Assert.Equal(expected, WorkCosts.Tensors(shapes, static s => new List<long>(s), bodyBytes));
    }
}
