using MaaS.Models.Onnx;

namespace MaaS.Services.Tests.Market;

public sealed class ModelCardTests
{
    private static readonly OnnxFacts Mlp = new([("input", [-1, 8])], [("logits", [-1, 3]), ("probabilities", [-1, 3])]);

    [Fact]
    public void Parse_FullCard_ReadsEveryFieldAndKeepsTheRawJson()
    {
        const string json = """
            {"name":"churn-v2","task":"classification","description":"line one\nline two","tags":["tabular"],
             "labels":["low","medium","high"],"visibility":"Tenant","inputs":["input"],"outputs":["logits","probabilities"],
             "maxBatchSize":32,"metrics":{"auc":0.8}}
            """;

        var card = ModelCard.Parse(json, out var problems);

        Assert.Empty(problems);
        Assert.NotNull(card);
        Assert.Equal(("churn-v2", "classification", "line one\nline two", ModelVisibility.Tenant, 32), (card.Name, card.Task, card.Description, card.Visibility, card.MaxBatchSize));
        Assert.Equal(["tabular"], card.Tags);
        Assert.Equal(["low", "medium", "high"], card.Labels);
        Assert.Equal(0.8, card.Raw.GetProperty("metrics").GetProperty("auc").GetDouble());
        Assert.Empty(card.Match(Mlp));
    }

    [Fact]
    public void Parse_MinimalCard_PrivateWithEmptyListsAndNoBatchSize()
    {
        var card = ModelCard.Parse("""{"name":"m","task":"t"}""", out _);

        Assert.Equal((ModelVisibility.Private, 0, 0, (int?)null, (IReadOnlyList<string>?)null), (card!.Visibility, card.Tags.Count, card.Labels.Count, card.MaxBatchSize, card.Inputs));
    }

    [Fact]
    public void Parse_SeveralBrokenRules_ReportsEveryOne()
    {
        var card = ModelCard.Parse("""{"name":"-x","tags":"a","visibility":"everyone","maxBatchSize":5000,"outputs":[""]}""", out var problems);

        Assert.Null(card);
        Assert.Equal(
        [
            "card.name must be 1-64 of [a-z0-9-_], starting with a letter or digit",
            "card.task is required",
            "card.tags must be an array of at most 32 non-empty strings of at most 64 characters",
            "card.outputs must be an array of at most 1024 non-empty strings of at most 256 characters",
            "card.visibility must be private, tenant or public",
            "card.maxBatchSize must be an integer 0..4096",
        ], problems);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("-1")]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("Private, Public")]
    [InlineData("private,public")]
    [InlineData(" public")]
    [InlineData("publ\u0131c")]
    [InlineData("everyone")]
    [InlineData("")]
    public void Parse_VisibilityNotOneOfTheThreeWords_RefusedWithTheRule(string visibility)
    {
        string json = new System.Text.Json.Nodes.JsonObject { ["name"] = "m", ["task"] = "t", ["visibility"] = visibility }.ToJsonString();

        var card = ModelCard.Parse(json, out var problems);

        Assert.Null(card);
        Assert.Equal(["card.visibility must be private, tenant or public"], problems);
    }

    [Theory]
    [InlineData("private", ModelVisibility.Private)]
    [InlineData("TENANT", ModelVisibility.Tenant)]
    [InlineData("Public", ModelVisibility.Public)]
    public void Parse_VisibilityInAnyAsciiCase_Read(string visibility, ModelVisibility expected)
    {
        string json = new System.Text.Json.Nodes.JsonObject { ["name"] = "m", ["task"] = "t", ["visibility"] = visibility }.ToJsonString();

        Assert.Equal(expected, ModelCard.Parse(json, out _)?.Visibility);
    }

    [Theory]
    [InlineData("{name: x", "card is not valid JSON")]
    [InlineData("[1]", "card must be a JSON object")]
    [InlineData("""{"name":"x","task":"a\u0001b"}""", "card.task must be a string of at most 64 characters")]
    public void Parse_NotACard_OneProblemSaysWhy(string json, string expected)
    {
        Assert.Null(ModelCard.Parse(json, out var problems));
        Assert.StartsWith(expected, Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LargerThanTheLimit_RefusedBeforeParsing()
    {
        string json = $$"""{"name":"x","task":"t","description":"{{new string('a', ModelCard.MaxCardBytes)}}"}""";

        Assert.Null(ModelCard.Parse(json, out var problems));
        Assert.Equal([$"card is larger than {ModelCard.MaxCardBytes} bytes"], problems);
    }

    [Fact]
    public void Match_CardDisagreesWithTheModel_EveryDisagreementReported()
    {
        var card = ModelCard.Parse("""{"name":"m","task":"t","inputs":["pixels"],"outputs":["probabilities","logits"],"labels":["a","b"],"maxBatchSize":8}""", out _)!;
        var fixedBatch = new OnnxFacts([("input", [1, 8])], [("logits", [1, 3]), ("probabilities", [1, 3])]);

        var problems = card.Match(fixedBatch);

        Assert.Equal(
        [
            "card.inputs [pixels] do not match the model's inputs [input]",
            "card has 2 labels but output 'logits' has 3 classes (last dimension)",
            "card.maxBatchSize > 0 needs a dynamic first dimension (-1) in every input and output",
        ], problems);
    }

    [Fact]
    public void Match_LabelsAgainstDynamicClassDimension_Refused()
    {
        var card = ModelCard.Parse("""{"name":"m","task":"t","labels":["a"]}""", out _)!;

        var problems = card.Match(new OnnxFacts([("x", [-1, 2])], [("y", [-1, -1])]));

        Assert.Equal(["card has 1 labels but output 'y' has a dynamic last dimension"], problems);
    }

    [Fact]
    public void BatchAxis_EveryTensorDynamicFirst_TrueElseFalse()
    {
        Assert.True(ModelCard.BatchAxis(Mlp));
        Assert.False(ModelCard.BatchAxis(new OnnxFacts([("x", [-1, 2])], [("y", [])])));
    }
}
