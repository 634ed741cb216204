namespace MaaS.Models.Tests.OpenInference;

public sealed class V2OutputEncodingTests
{
    private static Result<V2OutputEncoding> Parse(string json) =>
        V2OutputEncoding.Parse(JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest)!);

    private static V2OutputEncoding Ok(string json)
    {
        var result = Parse(json);
        Assert.True(result.IsSuccess, $"{json}: {result.Error?.Message}");
        return result.Value;
    }

    [Theory]
    [InlineData("""{"inputs": []}""", false)]
    [InlineData("""{"inputs": [], "parameters": {"binary_data_output": false}}""", false)]
    [InlineData("""{"inputs": [], "parameters": {"binary_data_output": true}}""", true)]
    [InlineData("""{"inputs": [], "parameters": {"other": 1}, "outputs": [{"name": "a"}]}""", false)]
    [InlineData("""{"inputs": [], "parameters": {"binary_data_output": true}, "outputs": [{"name": "a", "parameters": {"other": "x"}}]}""", true)]
    public void Parse_NoPerOutputFlag_RequestDefaultForEveryOutput(string json, bool binary)
    {
        var encoding = Ok(json);

        Assert.Equal(binary, encoding.IsBinary("a"));
        Assert.Equal(binary, encoding.IsBinary("never-named"));
    }

    [Fact]
    public void Parse_NoPerOutputFlag_SharedInstanceNoAllocationPerRequest()
    {
        Assert.Same(Ok("""{"inputs": []}"""), Ok("""{"inputs": [], "outputs": [{"name": "a"}]}"""));
        Assert.Same(Ok("""{"inputs": [], "parameters": {"binary_data_output": true}}"""), Ok("""{"inputs": [], "parameters": {"binary_data_output": true}}"""));
    }

    [Fact]
    public void Parse_PerOutputFlags_OverrideTheRequestDefaultBothWays()
    {
        var json = Ok("""{"inputs": [], "outputs": [{"name": "a", "parameters": {"binary_data": true}}, {"name": "b"}]}""");
        var binary = Ok("""{"inputs": [], "parameters": {"binary_data_output": true}, "outputs": [{"name": "a", "parameters": {"binary_data": false}}, {"name": "b"}]}""");

        Assert.True(json.IsBinary("a"));
        Assert.False(json.IsBinary("b"));
        Assert.False(binary.IsBinary("a"));
        Assert.True(binary.IsBinary("b"));
        Assert.True(binary.IsBinary("c"));
    }

    [Fact]
    public void Parse_OutputNamesCaseSensitive()
    {
        var encoding = Ok("""{"inputs": [], "outputs": [{"name": "Logits", "parameters": {"binary_data": true}}]}""");

        Assert.True(encoding.IsBinary("Logits"));
        Assert.False(encoding.IsBinary("logits"));
    }

    [Theory]
    [InlineData("""{"inputs": [], "parameters": {"binary_data_output": 1}}""", "the request has parameters.binary_data_output number; true or false is expected")]
    [InlineData("""{"inputs": [], "parameters": {"binary_data_output": "true"}}""", "the request has parameters.binary_data_output string; true or false")]
    [InlineData("""{"inputs": [], "parameters": {"binary_data_output": null}}""", "the request has parameters.binary_data_output null")]
    [InlineData("""{"inputs": [], "outputs": [{"name": "a"}, {"name": "b", "parameters": {"binary_data": []}}]}""", "output 'b' has parameters.binary_data array; true or false is expected")]
    public void Parse_FlagNotABoolean_Refused(string json, string expected)
    {
        var result = Parse(json);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.True(result.Error!.Message.Contains(expected, StringComparison.Ordinal), $"'{result.Error.Message}' lacks '{expected}'");
    }
}
