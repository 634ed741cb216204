using MaaS.Core;
using MaaS.Models.Inference;

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
}
