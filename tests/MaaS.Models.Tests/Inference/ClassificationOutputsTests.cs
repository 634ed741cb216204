namespace MaaS.Models.Tests.Inference;

/// <summary>Triton's classification extension (<see cref="ClassificationOutputs"/>) against a plain reference ranking.</summary>
public sealed class ClassificationOutputsTests
{
    private static readonly string[] Labels = ["a", "b", "c", "d", "e"];

    /// <summary>The reference: each row's classes by value, highest first, the lower index first among equals, as text.</summary>
    private static string[] Reference(float[] data, int rows, int classes, int count, string[] labels)
    {
        var answer = new List<string>();
        for (int row = 0; row < rows; row++)
        {
            var ranked = Enumerable.Range(0, classes).OrderByDescending(c => data[row * classes + c]).ThenBy(c => c).Take(count);
            answer.AddRange(ranked.Select(c => FormattableString.Invariant($"{data[row * classes + c]:F6}:{c}") + (labels.Length == classes ? ":" + labels[c] : "")));
        }

        return [.. answer];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(9)]
    public void Classify_RandomRowsWithTies_AsTheReference(int count)
    {
        var rng = new Random(count);
        const int rows = 7, classes = 5;
        // Values from a small set, so that rows hold ties.
        float[] data = [.. Enumerable.Range(0, rows * classes).Select(_ => rng.Next(4) / 4f - 0.25f)];

        var classified = ClassificationOutputs.Classify(InferTensor.Fp32("p", data, rows, classes), count, Labels);

        int kept = Math.Min(count, classes);
        Assert.Equal(TensorDataType.Bytes, classified.DataType);
        Assert.Equal([rows, kept], classified.Shape);
        Assert.Equal(Reference(data, rows, classes, kept, Labels), (string[])classified.Data);
    }

    [Fact]
    public void Classify_OneRowOutput_ShapeIsTheCountAndLabelsOnlyWhenOnePerClass()
    {
        float[] data = [0.1f, 0.7f, 0.2f];

        var unlabelled = ClassificationOutputs.Classify(InferTensor.Fp32("p", data, 3), 2, Labels);
        var labelled = ClassificationOutputs.Classify(InferTensor.Fp32("p", data, 3), 2, ["x", "y", "z"]);

        Assert.Equal([2L], unlabelled.Shape);
        Assert.Equal(["0.700000:1", "0.200000:2"], (string[])unlabelled.Data);
        Assert.Equal(["0.700000:1:y", "0.200000:2:z"], (string[])labelled.Data);
    }

    [Fact]
    public void Classify_IntegerAndHalfOutputs_WrittenInTheirOwnKind()
    {
        var ints = ClassificationOutputs.Classify(InferTensor.Int64("n", [5, -3, 12, 7], 2, 2), 1, []);
        var halves = ClassificationOutputs.Classify(new InferTensor("h", TensorDataType.Fp16, [1, 2], new[] { (Half)0.25f, (Half)1.5f }), 2, []);
        var bytes = ClassificationOutputs.Classify(new InferTensor("u", TensorDataType.Uint8, [3], new byte[] { 200, 3, 250 }), 1, []);

        Assert.Equal(["5:0", "12:0"], (string[])ints.Data);
        Assert.Equal(["1.500000:1", "0.250000:0"], (string[])halves.Data);
        Assert.Equal(["250:2"], (string[])bytes.Data);
    }

    [Fact]
    public void Apply_OnlyTheNamedOutputs_OthersAsTheyAre()
    {
        var logits = InferTensor.Fp32("logits", [1f, 2f], 1, 2);
        var probabilities = InferTensor.Fp32("probabilities", [0.3f, 0.7f], 1, 2);

        var answered = ClassificationOutputs.Apply([logits, probabilities], new Dictionary<string, int> { ["probabilities"] = 1 }, ["no", "yes"]);

        Assert.Same(logits, answered[0]);
        Assert.Equal(["0.700000:1:yes"], (string[])answered[1].Data);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(3_000_000_000L)]
    public void Add_NotAPositiveWholeNumberThatFits_InvalidRequestNamingTheOutput_NothingAdded(long? count)
    {
        Dictionary<string, int>? counts = null;

        var error = ClassificationOutputs.Add(ref counts, "p", count);

        Assert.Equal(ErrorCode.InvalidRequest, error?.Code);
        Assert.StartsWith("output 'p' has parameters.classification", error!.Message, StringComparison.Ordinal);
        Assert.Null(counts);
    }

    [Fact]
    public void Add_WholeNumbers_OnePerOutputTheLastWins()
    {
        Dictionary<string, int>? counts = null;

        Assert.Null(ClassificationOutputs.Add(ref counts, "p", 3));
        Assert.Null(ClassificationOutputs.Add(ref counts, "q", int.MaxValue));
        Assert.Null(ClassificationOutputs.Add(ref counts, "p", 1));

        Assert.Equal(new Dictionary<string, int> { ["p"] = 1, ["q"] = int.MaxValue }, counts);
    }

    [Fact]
    public void Validate_ClassificationOfABoolOutputOrOfOneNotRequested_Refused()
    {
        var signature = new ModelSignature(
            [new TensorSpec("x", TensorDataType.Fp32, [-1, 2])],
            [new TensorSpec("score", TensorDataType.Fp32, [-1, 2]), new TensorSpec("flag", TensorDataType.Bool, [-1, 1])],
            new Dictionary<string, ValueRange>());
        var input = InferTensor.Fp32("x", [1f, 2f], 1, 2);
        InferenceRequest Request(string[] outputs, string classified) => new([input], outputs) { Classifications = new Dictionary<string, int> { [classified] = 1 } };

        var numeric = InputValidator.Validate("m", signature, 8, Request(["score"], "score"));
        var boolean = InputValidator.Validate("m", signature, 8, Request(["flag"], "flag"));
        var notRequested = InputValidator.Validate("m", signature, 8, Request(["flag"], "score"));

        Assert.True(numeric.IsSuccess, numeric.Error?.Message);
        Assert.Contains("BOOL, which has no classes", boolean.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("not requested", notRequested.Error!.Message, StringComparison.Ordinal);
    }
}
