using System.Text.Json;
using MaaS.Services.Embeddings;

namespace MaaS.Services.Tests.Embeddings;

/// <summary>OpenAI's embeddings input, as the service reads it without HTTP: what 'input' and 'encoding_format' may be.</summary>
public sealed class OpenAiEmbeddingsTests
{
    [Theory]
    [InlineData("\"one text\"", new[] { "one text" })]
    [InlineData("[\"a\",\"b\",\"\"]", new[] { "a", "b", "" })]
    public void Texts_StringOrArrayOfStrings_InInputOrder(string json, string[] expected)
    {
        var texts = OpenAiEmbeddings.Texts(Parse(json));

        Assert.True(texts.IsSuccess);
        Assert.Equal(expected, texts.Value);
    }

    [Theory]
    [InlineData("[\"a\",[1,2]]", "input[1] is a token array; send text: these models tokenise it themselves")]
    [InlineData("[17]", "input[0] is a token array; send text: these models tokenise it themselves")]
    [InlineData("[\"a\",null]", "input[1] is null; every input must be a string")]
    [InlineData("{\"text\":\"a\"}", "'input' is an object; give a string or an array of strings")]
    [InlineData("true", "'input' is a boolean; give a string or an array of strings")]
    public void Texts_AnythingElse_InvalidRequestNamingThePlace(string json, string message)
    {
        var texts = OpenAiEmbeddings.Texts(Parse(json));

        Assert.False(texts.IsSuccess);
        Assert.Equal(ErrorCode.InvalidRequest, texts.Error.Code);
        Assert.Equal(message, texts.Error.Message);
    }

    [Fact]
    public void Texts_Absent_InvalidRequestAskingForIt()
    {
        var texts = OpenAiEmbeddings.Texts(default);

        Assert.False(texts.IsSuccess);
        Assert.Equal(ErrorCode.InvalidRequest, texts.Error.Code);
        Assert.Equal("'input' is required: a string or an array of strings", texts.Error.Message);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("float", false)]
    [InlineData("base64", true)]
    public void Base64_KnownFormats_Read(string? format, bool base64)
    {
        var read = OpenAiEmbeddings.Base64(format);

        Assert.True(read.IsSuccess);
        Assert.Equal(base64, read.Value);
    }

    [Fact]
    public void Base64_OtherFormat_InvalidRequestNamingIt()
    {
        var read = OpenAiEmbeddings.Base64("int8");

        Assert.False(read.IsSuccess);
        Assert.Equal(ErrorCode.InvalidRequest, read.Error.Code);
        Assert.Equal("encoding_format must be 'float' or 'base64', not 'int8'", read.Error.Message);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
