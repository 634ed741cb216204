namespace MaaS.Models.Tests.OpenInference;

public sealed class V2InferBodyTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("123", 123)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void ParseJsonLength_NonNegativeInteger_TheLength(string header, long expected) =>
        Assert.Equal(expected, V2InferBody.ParseJsonLength(header).Value);

    [Theory]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1.0")]
    [InlineData("0x10")]
    [InlineData("")]
    [InlineData("9223372036854775808")]
    [InlineData("12,12")]
    public void ParseJsonLength_NotANonNegativeInteger_RefusedQuotingIt(string header)
    {
        var result = V2InferBody.ParseJsonLength(header);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal($"the Inference-Header-Content-Length header must be one non-negative integer, not '{header}'", result.Error?.Message);
    }

    [Fact]
    public void ParseJsonLength_LongValue_ClippedInTheMessage()
    {
        string header = new('x', 40);

        Assert.EndsWith($"not '{new string('x', 32)}...'", V2InferBody.ParseJsonLength(header).Error?.Message);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 10)]
    [InlineData(10, 10)]
    public void CheckJsonLength_WithinTheBody_TheLength(long declared, int body) =>
        Assert.Equal((int)declared, V2InferBody.CheckJsonLength(declared, body).Value);

    [Theory]
    [InlineData(11, 10)]
    [InlineData(long.MaxValue, 10)]
    public void CheckJsonLength_PastTheBody_Refused(long declared, int body)
    {
        var result = V2InferBody.CheckJsonLength(declared, body);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal($"the Inference-Header-Content-Length header says {declared} bytes of JSON but the body has only {body} bytes", result.Error?.Message);
    }

    [Fact]
    public void JsonAndWithBinary_SayWhetherThereIsABinaryPart()
    {
        var request = new V2InferRequest { Id = "r" };
        byte[] binary = [1, 2, 3];

        var json = V2InferBody.Json(request);
        var withBinary = V2InferBody.WithBinary(request, binary);

        Assert.False(json.HasBinaryPart);
        Assert.True(json.Binary.IsEmpty);
        Assert.True(withBinary.HasBinaryPart);
        Assert.Equal(binary, withBinary.Binary.ToArray());
        Assert.Same(request, withBinary.Request);
    }
}
