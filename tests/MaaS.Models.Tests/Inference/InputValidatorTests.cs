namespace MaaS.Models.Tests.Inference;

public sealed class InputValidatorTests
{
    private static readonly ModelSignature Signature = new(
        [new TensorSpec("ids", TensorDataType.Int64, [-1, 4]), new TensorSpec("mask", TensorDataType.Bool, [-1, 4])],
        [new TensorSpec("score", TensorDataType.Fp32, [-1, 1])],
        new Dictionary<string, ValueRange> { ["ids"] = new(0, 99) });

    private static InferTensor Ids(int rows, params long[] values) => InferTensor.Int64("ids", values.Length == 0 ? new long[rows * 4] : values, rows, 4);

    private static InferTensor Mask(int rows) => InferTensor.Bool("mask", new bool[rows * 4], rows, 4);

    [Fact]
    public void Validate_GoodRequest_OrderedByModelWithRowsAndKey()
    {
        var result = InputValidator.Validate("m", Signature, 8, new InferenceRequest([Mask(2), Ids(2)]));

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(["ids", "mask"], result.Value!.Inputs.Select(i => i.Name));
        Assert.Equal(2, result.Value.Rows);
        Assert.Equal(["score"], result.Value.OutputNames);
        Assert.Equal(result.Value.BatchKey, InputValidator.Validate("m", Signature, 8, new InferenceRequest([Ids(5), Mask(5)])).Value!.BatchKey);
    }

    [Fact]
    public void Validate_ShapesInTurn_EachShapeItsOwnKeyAndARepeatedShapeTheSameString()
    {
        var signature = new ModelSignature(
            [new TensorSpec("x", TensorDataType.Fp32, [-1, -1])], [new TensorSpec("y", TensorDataType.Fp32, [-1, 1])], new Dictionary<string, ValueRange>());
        string Key(int rows, int width) =>
            InputValidator.Validate("m", signature, 8, new InferenceRequest([InferTensor.Fp32("x", new float[rows * width], rows, width)])).Value!.BatchKey;

        string four = Key(1, 4), five = Key(2, 5), fourAgain = Key(3, 4);

        Assert.NotEqual(four, five);
        Assert.Equal(four, fourAgain);
        Assert.Same(fourAgain, Key(1, 4));
        Assert.Equal(five, Key(1, 5));
    }

    [Fact]
    public void Validate_KeyLongerThanTheStackBuffer_StillOneKeyPerShape()
    {
        string name = new('n', 300);
        var signature = new ModelSignature(
            [new TensorSpec(name, TensorDataType.Fp32, [-1, -1])], [new TensorSpec("y", TensorDataType.Fp32, [-1, 1])], new Dictionary<string, ValueRange>());
        string Key(int rows, int width) =>
            InputValidator.Validate("m", signature, 8, new InferenceRequest([InferTensor.Fp32(name, new float[rows * width], rows, width)])).Value!.BatchKey;

        Assert.Equal(Key(1, 4), Key(2, 4));
        Assert.NotEqual(Key(1, 4), Key(1, 5));
        Assert.StartsWith(name, Key(1, 4), StringComparison.Ordinal);
    }

    public static TheoryData<string, InferenceRequest> Invalid => new()
    {
        { "missing", new InferenceRequest([Ids(1)]) },
        { "more than once", new InferenceRequest([Ids(1), Ids(1), Mask(1)]) },
        { "unexpected inference input 'other'", new InferenceRequest([Ids(1), Mask(1), InferTensor.Fp32("other", [1f], 1)]) },
        { "expects INT64", new InferenceRequest([InferTensor.Int32("ids", new int[4], 1, 4), Mask(1)]) },
        { "rank", new InferenceRequest([InferTensor.Int64("ids", new long[4], 4), Mask(1)]) },
        { "expects [-1,4]", new InferenceRequest([InferTensor.Int64("ids", new long[5], 1, 5), Mask(1)]) },
        { "needs 8", new InferenceRequest([InferTensor.Int64("ids", new long[4], 2, 4), Mask(2)]) },
        { "disagree on the batch dimension", new InferenceRequest([Ids(2), Mask(3)]) },
        { "batch size 9", new InferenceRequest([Ids(9), Mask(9)]) },
        { "batch size 0", new InferenceRequest([Ids(0), Mask(0)]) },
        { "outside [0, 99]", new InferenceRequest([Ids(1, 1, 2, 100, 3), Mask(1)]) },
        { "outside [0, 99]", new InferenceRequest([Ids(1, -1, 2, 3, 3), Mask(1)]) },
        { "unexpected inference output 'nope'", new InferenceRequest([Ids(1), Mask(1)], ["nope"]) },
        { "requested more than once", new InferenceRequest([Ids(1), Mask(1)], ["score", "score"]) },
        { "carries", new InferenceRequest([new InferTensor("ids", TensorDataType.Int64, [1, 4], new int[4]), Mask(1)]) },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidRequest_InvalidInputWithReason(string expected, InferenceRequest request)
    {
        var result = InputValidator.Validate("m", Signature, 8, request);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Contains(expected, result.Error?.Message);
    }

    [Fact]
    public void Validate_NamedDimensionsDisagreeAcrossInputs_RefusedNamingBothInputsAndTheDimension()
    {
        var signature = new ModelSignature(
            [
                new TensorSpec("ids", TensorDataType.Int64, [-1, -1], ["batch", "seq"]),
                new TensorSpec("mask", TensorDataType.Bool, [-1, -1], ["batch", "seq"]),
                new TensorSpec("positions", TensorDataType.Int64, [-1], ["seq"]),
            ],
            [new TensorSpec("score", TensorDataType.Fp32, [-1, 1])],
            new Dictionary<string, ValueRange>());
        InferenceRequest Request(int idsLength, int maskLength, int positions) => new(
        [
            InferTensor.Int64("ids", new long[idsLength], 1, idsLength),
            InferTensor.Bool("mask", new bool[maskLength], 1, maskLength),
            InferTensor.Int64("positions", new long[positions], positions),
        ]);

        var good = InputValidator.Validate("m", signature, 0, Request(5, 5, 5));
        var mask = InputValidator.Validate("m", signature, 0, Request(5, 6, 5));
        var positions = InputValidator.Validate("m", signature, 0, Request(5, 5, 4));

        Assert.True(good.IsSuccess, good.Error?.Message);
        Assert.Equal(ErrorCode.InvalidRequest, mask.Error?.Code);
        Assert.Contains("inputs 'ids' and 'mask' disagree on dimension 'seq'", mask.Error?.Message);
        Assert.Contains("'mask' has 6 on axis 1", mask.Error?.Message);
        Assert.Contains("inputs 'ids' and 'positions' disagree on dimension 'seq'", positions.Error?.Message);
    }

    [Theory]
    [InlineData(1, 5, 1, 5, null)]
    [InlineData(3, 2, 3, 2, null)]
    [InlineData(1, 2, 1, 3, "inputs 'ids' and 'weights' disagree on dimension 'N'")]
    [InlineData(2, 4, 1, 4, "disagree on the batch dimension")]
    public void Validate_OneNameForEveryDynamicAxis_BindsEachAxisAcrossInputsNotAxesWithinOne(
        int idsRows, int idsLength, int weightsRows, int weightsLength, string? expected)
    {
        // The MaaS graph builder writes every dynamic axis as N: ids [N, N] must still take [1, 5].
        var signature = new ModelSignature(
            [
                new TensorSpec("ids", TensorDataType.Int64, [-1, -1], ["N", "N"]),
                new TensorSpec("weights", TensorDataType.Fp32, [-1, -1], ["N", "N"]),
            ],
            [new TensorSpec("probabilities", TensorDataType.Fp32, [-1, 2], ["N", ""])],
            new Dictionary<string, ValueRange>());
        var request = new InferenceRequest(
        [
            InferTensor.Int64("ids", new long[idsRows * idsLength], idsRows, idsLength),
            InferTensor.Fp32("weights", new float[weightsRows * weightsLength], weightsRows, weightsLength),
        ]);

        var result = InputValidator.Validate("m", signature, 8, request);

        if (expected is null)
        {
            Assert.True(result.IsSuccess, result.Error?.Message);
        }
        else
        {
            Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
            Assert.Contains(expected, result.Error?.Message);
        }
    }

    [Fact]
    public void Validate_NameOnDifferentAxesOfTwoInputs_BindsThoseAxes()
    {
        var signature = new ModelSignature(
            [new TensorSpec("a", TensorDataType.Fp32, [-1, -1], ["K", "M"]), new TensorSpec("b", TensorDataType.Fp32, [-1, -1], ["M", "K"])],
            [new TensorSpec("c", TensorDataType.Fp32, [-1, -1])],
            new Dictionary<string, ValueRange>());
        InferenceRequest Request(long[] a, long[] b) => new(
            [new InferTensor("a", TensorDataType.Fp32, a, new float[a[0] * a[1]]), new InferTensor("b", TensorDataType.Fp32, b, new float[b[0] * b[1]])]);

        var transposed = InputValidator.Validate("m", signature, 0, Request([2, 3], [3, 2]));
        var same = InputValidator.Validate("m", signature, 0, Request([2, 3], [2, 3]));

        Assert.True(transposed.IsSuccess, transposed.Error?.Message);
        Assert.Contains("disagree on dimension 'K'", same.Error?.Message);
    }
}
