using MaaS.Services.Agents.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace MaaS.Agents.Tests.Learning;

/// <summary>The policies learnt here, exported to ONNX, run in a real ONNX Runtime session exactly as the learners predict.</summary>
public sealed class PolicyOnnxTests
{
    private static readonly string[] Labels = [.. DifficultyGame.Actions.Select(a => a.Id)];

    [Fact]
    public void Tree_InOnnxRuntime_AgreesWithTheLearnerOnEveryHeldOutSample()
    {
        ImitationData train = ImitationData.FromGame(5_000, 1);
        ImitationData heldOut = ImitationData.FromGame(3_000, 2);
        DecisionTree tree = CartLearner.Fit(train.Rows, train.Labels, train.Features, train.Classes);

        var (labels, scores) = Run(PolicyModels.Tree(tree, Labels), heldOut, withLabel: true);

        for (int i = 0; i < heldOut.Count; i++)
        {
            Assert.True(tree.Predict(heldOut.Row(i)) == labels![i], $"row {i} [{string.Join(", ", heldOut.Row(i).ToArray())}]: learner {tree.Predict(heldOut.Row(i))}, ONNX {labels[i]}");
            Assert.Equal(tree.Scores(heldOut.Row(i)).ToArray(), scores.AsSpan(i * train.Classes, train.Classes).ToArray());
        }
        double agreement = Enumerable.Range(0, heldOut.Count).Count(i => labels![i] == heldOut.Labels[i]) / (double)heldOut.Count;
        Assert.True(agreement >= 0.97, $"the tree imitates the expert on {agreement:P2} of held-out players");
    }

    [Fact]
    public void Mlp_InOnnxRuntime_AgreesWithTheLearnerOnEveryHeldOutSample()
    {
        ImitationData train = ImitationData.FromGame(5_000, 1);
        ImitationData heldOut = ImitationData.FromGame(3_000, 2);
        MlpClassifier mlp = MlpClassifier.Fit(train.Rows, train.Labels, train.Features, train.Classes, new MlpSettings(Epochs: 20));

        var (_, scores) = Run(PolicyModels.Mlp(mlp, Labels), heldOut, withLabel: false);

        for (int i = 0; i < heldOut.Count; i++)
        {
            float[] expected = mlp.Scores(heldOut.Row(i));
            float[] actual = scores.AsSpan(i * train.Classes, train.Classes).ToArray();
            Assert.True(Enumerable.Range(0, expected.Length).All(c => Math.Abs(expected[c] - actual[c]) < 1e-5),
                $"row {i}: learner [{string.Join(", ", expected)}], ONNX [{string.Join(", ", actual)}]");
            Assert.Equal(mlp.Predict(heldOut.Row(i)), Array.IndexOf(actual, actual.Max()));
        }
        double agreement = Enumerable.Range(0, heldOut.Count).Count(i => mlp.Predict(heldOut.Row(i)) == heldOut.Labels[i]) / (double)heldOut.Count;
        Assert.True(agreement >= 0.9, $"the MLP imitates the expert on {agreement:P2} of held-out players");
    }

    [Fact]
    public void Tree_OnnxGraph_IsOneTreeEnsembleClassifierWithTensorOutputs()
    {
        ImitationData train = ImitationData.FromGame(500, 1);
        DecisionTree tree = CartLearner.Fit(train.Rows, train.Labels, train.Features, train.Classes);

        using var session = new InferenceSession(PolicyModels.Tree(tree, Labels));

        Assert.Equal([PolicyModels.Scores, PolicyModels.Label], session.OutputNames);
        Assert.Equal(typeof(long), session.OutputMetadata[PolicyModels.Label].ElementType);
        Assert.True(session.OutputMetadata[PolicyModels.Scores].IsTensor, "scores must be a tensor, not ZipMap's sequence of maps");
        Assert.Equal(string.Join(",", Labels), session.ModelMetadata.CustomMetadataMap["labels"]);
    }

    private static (long[]? Labels, float[] Scores) Run(byte[] model, ImitationData data, bool withLabel)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(data.Rows, [data.Count, data.Features]);
        using var runOptions = new RunOptions();
        string[] outputs = withLabel ? [PolicyModels.Label, PolicyModels.Scores] : [PolicyModels.Scores];
        using var results = session.Run(runOptions, new Dictionary<string, OrtValue> { [PolicyModels.Input] = input }, outputs);
        return (withLabel ? results[0].GetTensorDataAsSpan<long>().ToArray() : null, results[^1].GetTensorDataAsSpan<float>().ToArray());
    }
}
